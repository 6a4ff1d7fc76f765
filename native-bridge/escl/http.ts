import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { TLSSocket } from 'node:tls';
import { StationError } from '../../electron/common/errors';

/**
 * One eSCL HTTP exchange with a silence watchdog. Every request sends `Connection: close` (Kyocera stays busy
 * with keep-alive) and the port in Host (EPSON). HTTPS printers are nearly always self-signed: the certificate
 * is accepted only when its SHA-256 fingerprint equals the one an admin confirmed (pinned on first use).
 */
export interface EsclTarget {
  /** Base URL ending in `/` (…/eSCL/). */
  base: URL;
  /** Pinned certificate fingerprint (colon-separated SHA-256) for https. */
  pin?: string | null;
}

export interface HttpReply {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface RequestOptions {
  body?: string;
  /** Abort when nothing arrives for this long (SCANNER_HANG). */
  silenceMs: number;
  signal?: AbortSignal;
  /** Progress of a long body (bytes so far, total or null). */
  onProgress?: (received: number, total: number | null) => void;
}

export function normaliseFingerprint(fp: string): string {
  const hex = fp.replace(/[^0-9a-f]/gi, '').toUpperCase();
  return hex.match(/.{2}/g)?.join(':') ?? '';
}

/** The server certificate's fingerprint (for the admin to confirm), or null over plain HTTP. */
export function peerFingerprint(res: IncomingMessage): string | null {
  const sock = res.socket as TLSSocket | null;
  if (!sock || typeof sock.getPeerCertificate !== 'function') return null;
  const fp = sock.getPeerCertificate().fingerprint256;
  return fp ? normaliseFingerprint(fp) : null;
}

const UNREACHABLE = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EADDRNOTAVAIL']);

export function escRequest(target: EsclTarget, method: string, path: string, opts: RequestOptions): Promise<HttpReply & { fingerprint: string | null }> {
  const url = new URL(path, target.base);
  const https = url.protocol === 'https:';
  return new Promise((resolve, reject) => {
    let settled = false;
    let gotResponse = false;
    const fail = (e: StationError): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      reject(e);
    };
    const headers: Record<string, string | number> = { Host: url.host, Connection: 'close', Accept: '*/*' };
    if (opts.body !== undefined) {
      headers['Content-Type'] = 'text/xml';
      headers['Content-Length'] = Buffer.byteLength(opts.body);
    }
    // No shared agent: a resumed TLS session carries no certificate to check against the pin.
    const reqOpts = { method, headers, agent: false as const, ...(https ? { rejectUnauthorized: false } : {}) };
    const req = (https ? httpsRequest : httpRequest)(url, reqOpts);
    // Read the certificate as soon as the handshake is done: once the server closed the connection it is gone.
    let handshakeFingerprint: string | null = null;
    if (https) {
      req.on('socket', (sock) => {
        const tlsSock = sock as TLSSocket;
        const read = (): void => {
          const fp = tlsSock.getPeerCertificate().fingerprint256;
          if (fp) handshakeFingerprint = normaliseFingerprint(fp);
        };
        if (tlsSock.encrypted && !tlsSock.connecting && tlsSock.getPeerCertificate().fingerprint256) read();
        else tlsSock.once('secureConnect', read);
      });
    }
    let timer = setTimeout(() => onSilence(), opts.silenceMs);
    const poke = (): void => {
      clearTimeout(timer);
      timer = setTimeout(() => onSilence(), opts.silenceMs);
    };
    const onSilence = (): void =>
      fail(new StationError('SCANNER_HANG', `the scanner sent nothing for ${opts.silenceMs} ms (${method} ${url.pathname})`, { path: url.pathname, silenceMs: opts.silenceMs }));
    const onAbort = (): void => fail(new StationError('CANCELLED', 'cancelled'));
    if (opts.signal?.aborted) return onAbort();
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    req.on('error', (err: NodeJS.ErrnoException) => {
      const code = err.code ?? '';
      if (!gotResponse && UNREACHABLE.has(code)) {
        fail(new StationError('DEVICE_NOT_FOUND', `the scanner at ${url.host} does not answer (${code})`, { url: url.href, cause: code }));
      } else {
        fail(new StationError('SCANNER_IO_ERROR', `connection to the scanner failed (${method} ${url.pathname}: ${code || err.message})`, { url: url.href, cause: code || err.message }));
      }
    });
    req.on('response', (res) => {
      gotResponse = true;
      poke();
      const fingerprint = https ? (handshakeFingerprint ?? peerFingerprint(res)) : null;
      if (https) {
        if (!target.pin) {
          fail(new StationError('SCANNER_CERT_NOT_TRUSTED', `the scanner's certificate (SHA-256 ${fingerprint}) is not confirmed yet`, { fingerprint256: fingerprint, url: url.href }));
          return;
        }
        if (normaliseFingerprint(target.pin) !== fingerprint) {
          fail(new StationError('SCANNER_CERT_CHANGED', `the scanner's certificate changed (SHA-256 ${fingerprint}, pinned ${target.pin})`, { fingerprint256: fingerprint, pinned: target.pin }));
          return;
        }
      }
      const total = res.headers['content-length'] !== undefined ? Number(res.headers['content-length']) : null;
      const chunks: Buffer[] = [];
      let received = 0;
      res.on('data', (c: Buffer) => {
        poke();
        chunks.push(c);
        received += c.length;
        opts.onProgress?.(received, total);
      });
      const truncated = (): void =>
        fail(new StationError('SCANNER_IO_ERROR', `the scanner's reply stopped early (${received}${total !== null ? ` of ${total}` : ''} bytes)`, { received, total }));
      res.on('aborted', truncated);
      res.on('error', truncated);
      res.on('end', () => {
        if (settled) return;
        if (!res.complete || (total !== null && received !== total)) return truncated();
        settled = true;
        clearTimeout(timer);
        opts.signal?.removeEventListener('abort', onAbort);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), fingerprint });
      });
    });
    req.end(opts.body);
  });
}
