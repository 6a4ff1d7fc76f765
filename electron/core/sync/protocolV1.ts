import { SHA256_PATTERN } from '../../common/ids';
import { DefaultHttpStack, DetailedError, Upload, type HttpRequest, type HttpResponse, type HttpStack } from 'tus-js-client';
import { StationError } from '../../common/errors';
import type { AuthStrategy, Credentials, Manifest, OneStopAdapter, RawExchange, Receipt, RemoteFile, UploadOptions, UploadSource } from './adapter';
import { ClientCredentialsAuth } from './auth';
import { parseReply, rawExchange, retryAfterMs, statusError } from './envelope';
import { networkError } from './errors';
import { HttpClient, type HttpReply } from './http';
import { RateLimiter } from './throttle';


export interface ProtocolV1Options {
  serverUrl: string;
  caFile?: string | null;
  timeoutMs?: number;
  credentials?: Credentials | null;
  pinCa?: boolean;
  /** Upload bandwidth cap, bytes per second (null = unlimited). */
  bandwidthBytesPerSec?: number | null;
}

function asReceipt(data: unknown, path: string): Receipt {
  const d = (data ?? {}) as Record<string, unknown>;
  const r = (d.receipt ?? {}) as Record<string, unknown>;
  const dossierCode = typeof d.dossierCode === 'string' ? d.dossierCode : r.dossierCode;
  const files = r.files;
  if (typeof dossierCode !== 'string' || dossierCode.length === 0 || !Array.isArray(files)) {
    throw new StationError('SERVER_REPLY_MALFORMED', `reply to ${path} carries no dossier code and receipt`, { path });
  }
  const list = files.map((f) => {
    const o = (f ?? {}) as Record<string, unknown>;
    if (typeof o.sha256 !== 'string' || !SHA256_PATTERN.test(o.sha256) || typeof o.fileId !== 'string') {
      throw new StationError('SERVER_REPLY_MALFORMED', `receipt from ${path} lists a malformed file`, { path });
    }
    return { fileId: o.fileId, sha256: o.sha256 };
  });
  return {
    draftId: typeof r.draftId === 'string' ? r.draftId : '',
    dossierCode,
    committedAt: typeof r.committedAt === 'string' ? r.committedAt : undefined,
    files: list,
  };
}

/** Wraps tus-js-client's Node stack: request bodies wait for the bandwidth limiter before going out. */
class ThrottledStack implements HttpStack {
  constructor(
    private readonly inner: HttpStack,
    private readonly limiter: RateLimiter | null,
  ) {}
  createRequest(method: string, url: string): HttpRequest {
    const req = this.inner.createRequest(method, url);
    const limiter = this.limiter;
    return {
      getMethod: () => req.getMethod(),
      getURL: () => req.getURL(),
      setHeader: (h, v) => req.setHeader(h, v),
      getHeader: (h) => req.getHeader(h),
      setProgressHandler: (fn) => req.setProgressHandler(fn),
      abort: () => req.abort(),
      getUnderlyingObject: () => req.getUnderlyingObject() as unknown,
      send: async (body: unknown): Promise<HttpResponse> => {
        const len = body && typeof (body as { length?: unknown }).length === 'number' ? (body as { length: number }).length : 0;
        if (limiter && len > 0) await limiter.take(len);
        return req.send(body);
      },
    };
  }
  getName(): string {
    return 'ThrottledStack';
  }
}

/**
 * Protocol v1 (docs/sync-protocol.md): enrol → client-credentials token → by-hash lookup → tus upload
 * addressed by sha256 → look the dossier up by draft id → commit the manifest (409 = already there).
 */
export class ProtocolV1Adapter implements OneStopAdapter {
  readonly protocol = 'sohoa-v1';
  readonly http: HttpClient;
  private auth: AuthStrategy | null;
  private readonly limiter: RateLimiter | null;

  constructor(private readonly opts: ProtocolV1Options) {
    this.http = new HttpClient(new URL(opts.serverUrl), { caFile: opts.caFile ?? null, pinCa: opts.pinCa ?? false, timeoutMs: opts.timeoutMs ?? 30_000 });
    this.auth = opts.credentials ? new ClientCredentialsAuth(this.http, opts.credentials) : null;
    this.limiter = opts.bandwidthBytesPerSec ? new RateLimiter(opts.bandwidthBytesPerSec) : null;
  }

  close(): void {
    this.http.close();
  }

  async ping(): Promise<void> {
    // Any HTTP answer proves the server is reachable (and its certificate trusted).
    await this.http.request('GET', 'v1/files/by-hash/' + '0'.repeat(64));
  }

  async test(): Promise<RawExchange[]> {
    const path = `v1/files/by-hash/${'0'.repeat(64)}`;
    return [rawExchange(`GET ${path}`, await this.authed('GET', path))];
  }

  async enrol(enrolmentCode: string, station: { id: string; name: string }): Promise<Credentials> {
    const path = 'v1/enrol';
    const reply = await this.http.request('POST', path, {
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ enrolmentCode, stationId: station.id, stationName: station.name }),
    });
    if (reply.status !== 200 && reply.status !== 201) {
      const err = statusError(reply, path);
      if (reply.status === 409 || reply.status === 400 || reply.status === 403 || reply.status === 404) {
        throw new StationError('NOT_ENROLLED', `enrolment refused (HTTP ${reply.status}): ${String(err.details?.serverMessage ?? '')}`, err.details);
      }
      throw err;
    }
    const data = (parseReply(reply, path).data ?? {}) as Record<string, unknown>;
    if (typeof data.clientId !== 'string' || typeof data.clientSecret !== 'string') {
      throw new StationError('SERVER_REPLY_MALFORMED', 'enrolment reply has no clientId/clientSecret', { path });
    }
    const creds = { clientId: data.clientId, clientSecret: data.clientSecret };
    this.auth = new ClientCredentialsAuth(this.http, creds);
    return creds;
  }

  private requireAuth(): AuthStrategy {
    if (!this.auth) throw new StationError('NOT_ENROLLED', 'this station is not enrolled with the sync server');
    return this.auth;
  }

  /** One authorised call; on 401 the token is refreshed once and the call repeated. */
  private async authed(method: string, path: string, body?: unknown): Promise<HttpReply> {
    const auth = this.requireAuth();
    for (let attempt = 0; ; attempt++) {
      const m = await auth.authorize();
      const payload = body === undefined ? undefined : JSON.stringify(Object.keys(m.bodyFields).length ? { ...(body as object), ...m.bodyFields } : body);
      const reply = await this.http.request(method, path, {
        headers: { ...m.headers, ...(payload ? { 'Content-Type': 'application/json' } : {}) },
        ...(payload ? { body: payload } : {}),
      });
      if (reply.status === 401 && attempt === 0) {
        auth.invalidate();
        continue;
      }
      return reply;
    }
  }

  async findFile(sha256: string): Promise<RemoteFile | null> {
    const path = `v1/files/by-hash/${sha256}`;
    const reply = await this.authed('GET', path);
    if (reply.status === 404) return null;
    if (reply.status !== 200) throw statusError(reply, path);
    const d = (parseReply(reply, path).data ?? {}) as Record<string, unknown>;
    if (typeof d.fileId !== 'string' || d.sha256 !== sha256) {
      throw new StationError('SERVER_REPLY_MALFORMED', `by-hash reply for ${sha256.slice(0, 12)}… does not name that file`, { path });
    }
    return { fileId: d.fileId, sha256, size: typeof d.size === 'number' ? d.size : -1 };
  }

  async uploadFile(src: UploadSource, opts: UploadOptions = {}): Promise<RemoteFile> {
    await this.tusUpload(src, opts, false);
    const found = await this.findFile(src.sha256);
    if (found) return found;
    // The server finished the upload but holds no file with this hash: it saw other bytes (torn or
    // altered in transit) and discarded them. Clear the upload so the next attempt sends it whole again.
    await this.tusUpload(src, opts, true).catch(() => undefined);
    throw new StationError('HASH_MISMATCH', `server did not register ${src.sha256.slice(0, 12)}… after upload (hash check failed)`, { sha256: src.sha256 });
  }

  private async tusUpload(src: UploadSource, opts: UploadOptions, terminateOnly: boolean): Promise<void> {
    const auth = this.requireAuth();
    const endpoint = this.http.url('v1/files/tus/').href;
    const uploadUrl = this.http.url(`v1/files/tus/${src.sha256}`).href;
    const stack = new ThrottledStack(new DefaultHttpStack({ agent: this.http.agent }), this.limiter);
    if (terminateOnly) {
      const m = await auth.authorize();
      await Upload.terminate(uploadUrl, { httpStack: stack, headers: m.headers, retryDelays: [] });
      return;
    }
    for (let attempt = 0; ; attempt++) {
      const m = await auth.authorize();
      try {
        await this.runTus(src, opts, { endpoint, uploadUrl, stack, headers: m.headers });
        return;
      } catch (err) {
        if (attempt === 0 && err instanceof StationError && err.details?.status === 401) {
          auth.invalidate();
          continue;
        }
        throw err;
      }
    }
  }

  private runTus(
    src: UploadSource,
    opts: UploadOptions,
    t: { endpoint: string; uploadUrl: string; stack: HttpStack; headers: Record<string, string> },
  ): Promise<void> {
    const timeoutMs = this.http.opts.timeoutMs;
    const chunkSize = this.limiter ? Math.max(16 * 1024, Math.floor(this.limiter.bytesPerSec / 4)) : Infinity;
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      let timer: NodeJS.Timeout | undefined;
      const settle = (fn: () => void): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        fn();
      };
      const arm = (): void => {
        clearTimeout(timer);
        timer = setTimeout(() => {
          void upload.abort(false);
          settle(() => reject(new StationError('SERVER_ERROR', `upload of ${src.sha256.slice(0, 12)}… stalled for ${timeoutMs} ms`, { timeout: true })));
        }, timeoutMs);
      };
      const upload = new Upload(src.data, {
        endpoint: t.endpoint,
        uploadUrl: t.uploadUrl,
        uploadSize: src.size,
        chunkSize,
        // tus-js-client itself retries dropped connections and 409/423 (HEAD, then resume at the offset);
        // 401/429/other 4xx come back to us (token refresh, Retry-After, outer backoff).
        retryDelays: [0, 300, 1000],
        headers: t.headers,
        metadata: { sha256: src.sha256, filename: src.fileName, contentType: 'application/pdf' },
        httpStack: t.stack,
        storeFingerprintForResuming: false,
        removeFingerprintOnSuccess: false,
        onProgress: (sent, total) => {
          arm();
          opts.onProgress?.(sent, total);
        },
        onSuccess: () => settle(resolve),
        onError: (err) => settle(() => reject(tusError(err, t.uploadUrl))),
      });
      arm();
      upload.start();
    });
  }

  async findDossier(draftId: string): Promise<Receipt | null> {
    const path = `v1/dossiers?draftId=${encodeURIComponent(draftId)}`;
    const reply = await this.authed('GET', path);
    if (reply.status === 404) return null;
    if (reply.status !== 200) throw statusError(reply, path);
    const receipt = asReceipt(parseReply(reply, path).data, path);
    if (receipt.draftId && receipt.draftId !== draftId) {
      throw new StationError('SERVER_REPLY_MALFORMED', `lookup for ${draftId} answered another dossier`, { path });
    }
    return receipt;
  }

  async commit(manifest: Manifest): Promise<{ receipt: Receipt; via: 'commit' | 'conflict' }> {
    const path = 'v1/dossiers/commit';
    const reply = await this.authed('POST', path, manifest);
    if (reply.status === 200 || reply.status === 201 || reply.status === 409) {
      const receipt = asReceipt(parseReply(reply, path).data, path);
      if (receipt.draftId && receipt.draftId !== manifest.draftId) {
        throw new StationError('SERVER_REPLY_MALFORMED', `commit of ${manifest.draftId} answered another dossier`, { path });
      }
      return { receipt, via: reply.status === 409 ? 'conflict' : 'commit' };
    }
    throw statusError(reply, path);
  }
}

function tusError(err: Error, url: string): StationError {
  if (err instanceof DetailedError) {
    const res = err.originalResponse;
    if (res) {
      const status = res.getStatus();
      const body = res.getBody() ?? '';
      const details = { url, status, serverMessage: body.slice(0, 200) };
      if (status === 401 || status === 403) return new StationError('SERVER_AUTH_FAILED', `upload refused (HTTP ${status})`, details);
      if (status === 429) {
        return new StationError('SERVER_RATE_LIMITED', 'upload rate limited (429)', { ...details, retryAfterMs: retryAfterMs(res.getHeader('Retry-After')) });
      }
      if (status === 413 || status === 415) return new StationError('SERVER_REJECTED', `upload rejected (HTTP ${status})`, details);
      const reason = reasonOf(body);
      if (reason === 'hash_mismatch') return new StationError('HASH_MISMATCH', 'server discarded the upload: its sha256 did not match', details);
      if (reason === 'not_pdf' || reason === 'invalid') return new StationError('SERVER_REJECTED', `upload rejected (${reason})`, details);
      // 409/410/423/460 and 5xx: tus state to re-read with HEAD next time.
      return new StationError('SERVER_ERROR', `upload failed (HTTP ${status})`, details);
    }
    if (err.causingError) return networkError(err.causingError, url);
  }
  return networkError(err, url);
}

function reasonOf(body: string): string | undefined {
  try {
    const r = (JSON.parse(body) as { data?: { reason?: unknown } }).data?.reason;
    return typeof r === 'string' ? r : undefined;
  } catch {
    return undefined;
  }
}
