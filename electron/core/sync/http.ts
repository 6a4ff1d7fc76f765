import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import tls from 'node:tls';
import { StationError } from '../../common/errors';
import { networkError } from './errors';

export interface HttpReply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

export interface HttpOptions {
  /** PEM file with extra trusted CAs (the provincial server's CA). System CAs stay trusted too. */
  caFile?: string | null;
  /** Whole-request timeout (connect + reply), ms. */
  timeoutMs: number;
  /** Pinning: the CA in caFile is the ONLY trust root (system CAs are not trusted for this server). */
  pinCa?: boolean;
  /** Largest reply body accepted (default 1 MiB: every reply the adapters read is JSON). */
  maxReplyBytes?: number;
}

/** JSON replies larger than this are refused (a proxy error page or a hostile server must not fill memory). */
export const MAX_JSON_REPLY_BYTES = 1024 * 1024;

/** Plain http:// is allowed only to this machine (the reference server, an SSH tunnel). */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

/** Refuses a server URL that would carry personal data in clear text (Law 91/2025: protect it in transfer). */
export function assertSecureUrl(url: URL): void {
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new StationError('INVALID_REQUEST', `sync server must be an http(s) URL, got ${url.protocol}`);
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    throw new StationError('INSECURE_TRANSPORT', `refusing plain http:// to ${url.host}: use https:// (http is allowed only to loopback)`, { url: url.origin });
  }
}

/**
 * A small HTTP(S) client on node:http(s): TLS verification is always on (rejectUnauthorized), an extra
 * CA may be configured, a hard timeout aborts a server that never answers.
 */
export class HttpClient {
  readonly agent: http.Agent | https.Agent;
  readonly ca: string | undefined;

  constructor(
    readonly baseUrl: URL,
    readonly opts: HttpOptions,
  ) {
    assertSecureUrl(baseUrl);
    this.ca = opts.caFile ? readCa(opts.caFile) : undefined;
    if (opts.pinCa && !this.ca) throw new StationError('INVALID_REQUEST', 'CA pinning needs caFile (the province CA)');
    const trust = this.ca ? { ca: opts.pinCa ? [this.ca] : [...tls.rootCertificates, this.ca] } : {};
    this.agent =
      baseUrl.protocol === 'https:'
        ? new https.Agent({ keepAlive: true, maxSockets: 4, rejectUnauthorized: true, ...trust })
        : new http.Agent({ keepAlive: true, maxSockets: 4 });
  }

  url(path: string): URL {
    const base = this.baseUrl.href.endsWith('/') ? this.baseUrl.href : `${this.baseUrl.href}/`;
    return new URL(path.replace(/^\//, ''), base);
  }

  /** INIT.maxBytes raises the reply cap for one request (a PDF download); JSON replies keep the 1 MiB cap. */
  request(method: string, path: string, init: { headers?: Record<string, string>; body?: Buffer | string; maxBytes?: number } = {}): Promise<HttpReply> {
    const url = this.url(path);
    if (url.origin !== this.baseUrl.origin) assertSecureUrl(url);
    const cap = init.maxBytes ?? this.opts.maxReplyBytes ?? MAX_JSON_REPLY_BYTES;
    const mod = url.protocol === 'https:' ? https : http;
    const body = init.body === undefined ? undefined : Buffer.isBuffer(init.body) ? init.body : Buffer.from(init.body, 'utf8');
    return new Promise<HttpReply>((resolve, reject) => {
      let done = false;
      const finish = (fn: () => void): void => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        fn();
      };
      const req = mod.request(url, {
        method,
        agent: this.agent,
        headers: { Accept: 'application/json', ...(body ? { 'Content-Length': String(body.length) } : {}), ...init.headers },
      });
      const timer = setTimeout(() => {
        req.destroy(new Error('timeout'));
        finish(() => reject(new StationError('SERVER_ERROR', `${method} ${url.pathname} timed out after ${this.opts.timeoutMs} ms`, { url: url.href, timeout: true })));
      }, this.opts.timeoutMs);
      req.on('error', (err) => finish(() => reject(networkError(err, url.href))));
      req.on('response', (res) => {
        const status = res.statusCode ?? 0;
        if (status >= 300 && status < 400) {
          // Never follow: a redirect could send the bearer or personal data to another host.
          res.resume();
          finish(() => reject(new StationError('SERVER_REDIRECTED', `${method} ${url.pathname} was redirected (HTTP ${status}) to ${String(res.headers.location ?? '?')}; redirects are refused`, { url: url.href, status, location: res.headers.location ?? null })));
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > cap) {
            req.destroy();
            finish(() => reject(new StationError('SERVER_REPLY_TOO_LARGE', `reply from ${url.pathname} exceeds ${cap} bytes`, { url: url.href, cap })));
            return;
          }
          chunks.push(c);
        });
        res.on('error', (err) => finish(() => reject(networkError(err, url.href))));
        res.on('aborted', () => finish(() => reject(new StationError('SERVER_ERROR', `reply from ${url.pathname} was cut off`, { url: url.href }))));
        res.on('end', () => {
          if (!res.complete) {
            finish(() => reject(new StationError('SERVER_ERROR', `reply from ${url.pathname} was cut off`, { url: url.href })));
            return;
          }
          finish(() => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
        });
      });
      req.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

export function readCa(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new StationError('INVALID_REQUEST', `cannot read CA file ${file}: ${(err as Error).message}`, { file });
  }
}
