// A DNS-SD responder for the virtual eSCL scanner: answers PTR queries for _uscan._tcp.local with the PTR, SRV,
// TXT and A records a network MFP advertises. On port 5353 with the mDNS group joined for an IT drill
// (`--mdns`); on an ephemeral loopback port in tests (the station's browse is pointed at it).
import { createSocket, type Socket } from 'node:dgram';
import { decodeMessage, encodeMessage, TYPE, type DnsRecord } from '../../native-bridge/escl/dnsMessage';
import { USCAN } from '../../native-bridge/escl/mdns';

export interface Advertised {
  instance: string;
  host: string;
  address: string;
  port: number;
  txt: Record<string, string>;
}

export interface Responder {
  port: number;
  queries: number;
  close(): Promise<void>;
}

export function advertisedRecords(a: Advertised): DnsRecord[] {
  const name = `${a.instance}.${USCAN}`;
  return [
    { name: USCAN, type: 'PTR', ttl: 4500, target: name },
    { name, type: 'SRV', ttl: 120, priority: 0, weight: 0, port: a.port, target: a.host },
    { name, type: 'TXT', ttl: 4500, entries: Object.entries(a.txt).map(([k, v]) => `${k}=${v}`) },
    { name: a.host, type: 'A', ttl: 120, address: a.address },
  ];
}

export function startResponder(a: Advertised, opts: { multicast?: boolean; port?: number } = {}): Promise<Responder> {
  const sock: Socket = createSocket({ type: 'udp4', reuseAddr: true });
  const state = { queries: 0 };
  sock.on('message', (msg, from) => {
    let q;
    try {
      q = decodeMessage(msg);
    } catch {
      return;
    }
    if (q.response || !q.questions.some((x) => x.type === TYPE.PTR && x.name.toLowerCase() === USCAN)) return;
    state.queries++;
    const reply = encodeMessage({ id: from.port === 5353 ? 0 : q.id, response: true, questions: from.port === 5353 ? [] : q.questions, records: advertisedRecords(a) });
    // Legacy unicast (source port ≠ 5353): answer the asker directly, as RFC 6762 §6.7 says.
    if (from.port !== 5353) sock.send(reply, from.port, from.address);
    else sock.send(reply, 5353, '224.0.0.251');
  });
  return new Promise((resolve, reject) => {
    sock.once('error', reject);
    const multicast = opts.multicast === true;
    sock.bind(opts.port ?? (multicast ? 5353 : 0), multicast ? '0.0.0.0' : '127.0.0.1', () => {
      if (multicast) sock.addMembership('224.0.0.251');
      resolve({
        port: sock.address().port,
        get queries() {
          return state.queries;
        },
        close: () => new Promise<void>((r) => sock.close(() => r())),
      });
    });
  });
}
