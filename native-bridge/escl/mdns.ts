import { createSocket } from 'node:dgram';
import type { DiscoveredScanner } from './driver';
import { decodeMessage, encodeMessage, TYPE, type DnsRecord } from './dnsMessage';

/**
 * DNS-SD discovery of eSCL scanners: one query for `_uscan._tcp.local` (HTTP) and `_uscans._tcp.local` (HTTPS)
 * sent from an ephemeral port — an mDNS "legacy unicast" query, answered straight back to us (RFC 6762 §6.7),
 * so the station never binds port 5353 beside avahi or Bonjour. TXT keys as AirSane/NAPS2 advertise them
 * (scanner-protocols.md §1.1): `rs` (path, default eSCL), `uuid`, `ty` (display name).
 */
export const USCAN = '_uscan._tcp.local';
export const USCANS = '_uscans._tcp.local';

export interface BrowseOptions {
  timeoutMs: number;
  /** Where the query goes (default the mDNS group 224.0.0.251:5353; tests use a loopback responder). */
  address?: string;
  port?: number;
}

/** Turns the records of every answer into scanners (instances with an SRV; an A record for the host if any). */
export function scannersFrom(records: DnsRecord[]): DiscoveredScanner[] {
  const out = new Map<string, DiscoveredScanner>();
  const lower = (s: string): string => s.toLowerCase();
  for (const ptr of records) {
    if (ptr.type !== 'PTR') continue;
    const service = lower(ptr.name);
    if (service !== USCAN && service !== USCANS) continue;
    const instance = ptr.target;
    const srv = records.find((r): r is Extract<DnsRecord, { type: 'SRV' }> => r.type === 'SRV' && lower(r.name) === lower(instance));
    if (!srv) continue;
    const txt = records.find((r): r is Extract<DnsRecord, { type: 'TXT' }> => r.type === 'TXT' && lower(r.name) === lower(instance));
    const keys = new Map<string, string>();
    for (const e of txt?.entries ?? []) {
      const eq = e.indexOf('=');
      if (eq > 0) keys.set(e.slice(0, eq).toLowerCase(), e.slice(eq + 1));
    }
    const a = records.find((r): r is Extract<DnsRecord, { type: 'A' }> => r.type === 'A' && lower(r.name) === lower(srv.target));
    const host = a?.address ?? srv.target.replace(/\.$/, '');
    const rs = (keys.get('rs') ?? 'eSCL').replace(/^\/+|\/+$/g, '');
    const url = `${service === USCANS ? 'https' : 'http'}://${host}:${srv.port}/${rs ? `${rs}/` : ''}`;
    const uuid = keys.get('uuid')?.replace(/^urn:uuid:/i, '').toLowerCase() ?? null;
    const name = keys.get('ty') ?? instance.split('.')[0] ?? instance;
    // The same scanner over HTTP and HTTPS: keep HTTP only when no HTTPS entry exists (HTTPS wins).
    const key = uuid ?? url;
    const prev = out.get(key);
    if (!prev || (service === USCANS && prev.url.startsWith('http:'))) out.set(key, { uuid, url, name });
  }
  return [...out.values()];
}

export function browseEscl(opts: BrowseOptions): Promise<DiscoveredScanner[]> {
  return new Promise((resolve) => {
    const records: DnsRecord[] = [];
    const sock = createSocket({ type: 'udp4', reuseAddr: true });
    const finish = (): void => {
      try {
        sock.close();
      } catch {
        /* closed */
      }
      resolve(scannersFrom(records));
    };
    sock.on('error', finish);
    sock.on('message', (msg) => {
      try {
        const m = decodeMessage(msg);
        if (m.response) records.push(...m.records);
      } catch {
        /* not ours, or malformed: ignore */
      }
    });
    sock.bind(0, () => {
      // A browse never keeps a one-shot command alive.
      sock.unref();
      const query = encodeMessage({
        id: 0x5348,
        response: false,
        questions: [USCAN, USCANS].map((name) => ({ name, type: TYPE.PTR, unicast: true })),
        records: [],
      });
      sock.send(query, opts.port ?? 5353, opts.address ?? '224.0.0.251', (err) => {
        if (err) finish();
      });
      setTimeout(finish, opts.timeoutMs).unref();
    });
  });
}
