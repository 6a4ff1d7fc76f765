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
    if (baseUrl.protocol !== 'https:' && baseUrl.protocol !== 'http:') {
      throw new StationError('INVALID_REQUEST', `sync server must be an http(s) URL, got ${baseUrl.protocol}`);
    }
    this.ca = opts.caFile ? readCa(opts.caFile) : undefined;
    this.agent =
      baseUrl.protocol === 'https:'
        ? new https.Agent({ keepAlive: true, maxSockets: 4, rejectUnauthorized: true, ...(this.ca ? { ca: [...tls.rootCertificates, this.ca] } : {}) })
        : new http.Agent({ keepAlive: true, maxSockets: 4 });
  }

  url(path: string): URL {
    const base = this.baseUrl.href.endsWith('/') ? this.baseUrl.href : `${this.baseUrl.href}/`;
    return new URL(path.replace(/^\//, ''), base);
  }

  request(method: string, path: string, init: { headers?: Record<string, string>; body?: Buffer | string } = {}): Promise<HttpReply> {
    const url = this.url(path);
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
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
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
