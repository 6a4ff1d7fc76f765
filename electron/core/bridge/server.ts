import { randomBytes } from 'node:crypto';
import { createWriteStream, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { StationEvent } from '../../common/api';
import { EVENTS_CLOSE } from '../../common/connection';
import { StationError, toErrorPayload } from '../../common/errors';
import type { Result } from '../../common/result';
import { createLogger } from '../log/logger';
import type { Dispatcher } from '../service/dispatcher';
import type { Station } from '../station/station';
import { privateTempDir } from '../../../native-bridge/process/privateTemp';
import { bearer, checkPeer, sessionHeader, tokenMatches } from './guard';
import { renderPageImage } from './pageImage';
import { serveStatic } from './static';

const log = createLogger('bridge');
const MAX_BODY = 2 * 1024 * 1024;
/** A citizen's file for import (a 2 000-page PDF is refused by the importer, not here). */
const MAX_UPLOAD = 512 * 1024 * 1024;

/** Streams a request body to `file` (0600); null when it exceeds `max` (the partial file is left for the caller to remove). */
function receiveFile(req: IncomingMessage, file: string, max: number): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const out = createWriteStream(file, { mode: 0o600 });
    let size = 0;
    let over = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > max && !over) {
        over = true;
        req.unpipe(out);
        out.end();
        resolve(null);
        req.resume();
      }
    });
    req.pipe(out);
    out.on('finish', () => {
      if (!over) resolve(size);
    });
    out.on('error', reject);
    req.on('error', reject);
  });
}

export interface BridgeInfo {
  url: string;
  port: number;
  token: string;
  pid: number;
  startedAt: string;
}

export interface Bridge {
  info: BridgeInfo;
  close(): Promise<void>;
}

export interface BridgeOptions {
  port?: number;
  uiDir?: string;
  token?: string;
  /** How often an open events socket's session is checked again (default 5 s). */
  sessionCheckMs?: number;
}

function sendJson(res: ServerResponse, status: number, body: Result<unknown>): void {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' });
  res.end(JSON.stringify(body));
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new Error('body too large'));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** HTTP status for an application error; the body is always the Result. */
function statusFor(code: string): number {
  switch (code) {
    case 'INVALID_REQUEST':
      return 400;
    case 'PATH_NOT_LOCAL':
      return 400;
    case 'UNAUTHORIZED':
    case 'SIGN_IN_REQUIRED':
    case 'SESSION_EXPIRED':
    case 'SESSION_LOCKED':
    case 'SIGN_IN_FAILED':
      return 401;
    case 'FORBIDDEN':
    case 'PASSWORD_CHANGE_REQUIRED':
      return 403;
    case 'SIGN_IN_RATE_LIMITED':
      return 429;
    case 'UNKNOWN_METHOD':
      return 404;
    default:
      return 200;
  }
}

/**
 * The loopback bridge: `POST /api/<method>` (JSON body, `Authorization: Bearer <token>`), events on the
 * WebSocket `/events` (first message `{"type":"auth","token":…,"session":…}`; close codes in common/connection.ts), the built UI at `/` without a token.
 * Bound to 127.0.0.1 only; Host/Origin checked on every request.
 */
/** Sockets that have not yet sent their auth message; past this an upgrade gets 503. */
const MAX_UNAUTHENTICATED_SOCKETS = 16;

export async function startBridge(station: Station, dispatcher: Dispatcher, opts: BridgeOptions = {}): Promise<Bridge> {
  // SOHOA_BRIDGE_TOKEN (≥ 32 chars) keeps the token across a restart (the Electron shell, an IT script): an
  // open page then reconnects by itself. Without it every start mints a fresh random token.
  const fixed = process.env.SOHOA_BRIDGE_TOKEN;
  const token = opts.token ?? (fixed !== undefined && fixed.length >= 32 ? fixed : randomBytes(32).toString('base64url'));
  let port = 0;

  const server: Server = createServer((req, res) => {
    void handle(req, res).catch((err: unknown) => {
      log.error('request failed', { err });
      if (!res.headersSent) sendJson(res, 500, { ok: false, error: { code: 'INTERNAL', message: 'internal error' } });
      else res.destroy();
    });
  });

  /** A token-protected route: the right HTTP method (else 405) and the bearer token (else 401). */
  function authorised(req: IncomingMessage, res: ServerResponse, method: 'GET' | 'POST'): boolean {
    if (req.method !== method) {
      res.writeHead(405, { Allow: method }).end();
      return false;
    }
    if (!tokenMatches(bearer(req), token)) {
      sendJson(res, 401, { ok: false, error: { code: 'UNAUTHORIZED', message: 'missing or wrong bearer token' } });
      return false;
    }
    return true;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const verdict = checkPeer(req, port);
    if (!verdict.ok) {
      log.warn('refused request', { reason: verdict.reason, host: req.headers.host, origin: req.headers.origin });
      sendJson(res, verdict.status, { ok: false, error: { code: 'FORBIDDEN', message: verdict.reason } });
      return;
    }
    const url = req.url ?? '/';
    if (url.startsWith('/api/')) {
      if (!authorised(req, res, 'POST')) return;
      const method = url.slice(5).split('?')[0] ?? '';
      let params: unknown;
      try {
        const text = await readBody(req);
        params = text.trim() === '' ? {} : (JSON.parse(text) as unknown);
      } catch (err) {
        sendJson(res, 400, { ok: false, error: { code: 'INVALID_REQUEST', message: `request body: ${(err as Error).message}` } });
        return;
      }
      // The bridge token only proves the caller is on this PC; who is calling is the clerk's session.
      const result = await dispatcher.invoke(method, params, { via: 'http', session: sessionHeader(req) });
      sendJson(res, result.ok ? 200 : statusFor(result.error.code), result);
      return;
    }
    if (url.startsWith('/import/')) {
      await serveImport(req, res, url);
      return;
    }
    if (url.startsWith('/pages/')) {
      await servePageImage(req, res, url);
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET' }).end();
      return;
    }
    serveStatic(url, res, port, opts.uiDir);
  }

  /**
   * `GET /pages/<pageId>/image?w=N` with the bearer header (the page fetches it and shows a blob: URL, so
   * the token never appears in a URL or a log line). Ids only: the blob is found through the database.
   */
  async function servePageImage(req: IncomingMessage, res: ServerResponse, url: string): Promise<void> {
    if (!authorised(req, res, 'GET')) return;
    let viewer: string;
    try {
      viewer = dispatcher.authenticate(sessionHeader(req)).user.id;
    } catch (err) {
      const payload = toErrorPayload(err);
      sendJson(res, statusFor(payload.code), { ok: false, error: payload });
      return;
    }
    const m = /^\/pages\/([0-9A-Z]{26})\/image(?:\?(.*))?$/.exec(url);
    if (!m) {
      sendJson(res, 404, { ok: false, error: { code: 'NOT_FOUND', message: 'no such route' } });
      return;
    }
    const width = Number(new URLSearchParams(m[2] ?? '').get('w') ?? '240');
    try {
      const img = await renderPageImage(station, m[1]!, width, viewer);
      res.writeHead(200, { 'Content-Type': img.mediaType, 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff', 'Content-Length': img.bytes.length });
      res.end(img.bytes);
    } catch (err) {
      const payload = toErrorPayload(err);
      sendJson(res, payload.code === 'NOT_FOUND' ? 404 : payload.code === 'INVALID_REQUEST' ? 400 : 500, { ok: false, error: payload });
    }
  }

  /**
   * `POST /import/<componentId>` (bearer; body = the file's bytes; `X-File-Name` URI-encoded;
   * `Idempotency-Key`): the browser's file import. The bytes go to a private temp folder (0700, outside
   * the data directory), `documents.import` reads them there, the folder is removed. The page never sees a path.
   */
  async function serveImport(req: IncomingMessage, res: ServerResponse, url: string): Promise<void> {
    if (!authorised(req, res, 'POST')) return;
    const m = /^\/import\/([0-9A-Z]{26})$/.exec(url.split('?')[0] ?? '');
    if (!m) {
      sendJson(res, 404, { ok: false, error: { code: 'NOT_FOUND', message: 'no such route' } });
      return;
    }
    let fileName: string | undefined;
    try {
      const raw = req.headers['x-file-name'];
      fileName = typeof raw === 'string' && raw !== '' ? decodeURIComponent(raw) : undefined;
    } catch {
      sendJson(res, 400, { ok: false, error: { code: 'FILE_NAME_INVALID', message: 'X-File-Name is not URI-encoded' } });
      return;
    }
    const key = req.headers['idempotency-key'];
    // A private (0700) temp folder outside the data directory: the importer refuses paths inside it.
    const dir = privateTempDir('upload');
    const tmp = join(dir, 'upload');
    try {
      const size = await receiveFile(req, tmp, MAX_UPLOAD);
      if (size === null) {
        sendJson(res, 413, { ok: false, error: { code: 'IMAGE_TOO_LARGE', message: `upload larger than ${MAX_UPLOAD} bytes` } });
        return;
      }
      const params: Record<string, unknown> = { componentId: m[1], path: tmp };
      if (fileName !== undefined) params.fileName = fileName.slice(0, 1000);
      if (typeof key === 'string' && key.length >= 8) params.idempotencyKey = key.slice(0, 100);
      const result = await dispatcher.invoke('documents.import', params, { via: 'http', session: sessionHeader(req) });
      sendJson(res, result.ok ? 200 : statusFor(result.error.code), result);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  // Any local process can open a socket here: a frame over maxPayload, a socket broken mid-frame or a
  // flood of idle sockets must cost that socket only, never the service (an 'error' without a listener
  // would be thrown and end the process). Unauthenticated sockets are capped.
  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  // Each socket with its clerk's session: events go only to a signed-in, unlocked clerk.
  const clients = new Map<WebSocket, string>();
  let unauthenticated = 0;
  /** Closes the socket with the stable code of its session's refusal (SIGN_IN_REQUIRED, SESSION_EXPIRED, SESSION_LOCKED). */
  const refuseSession = (ws: WebSocket, err: unknown): void => {
    const code = err instanceof StationError ? err.code : 'SESSION_EXPIRED';
    const close = code === 'SIGN_IN_REQUIRED' || code === 'SESSION_LOCKED' ? EVENTS_CLOSE[code] : EVENTS_CLOSE.SESSION_EXPIRED;
    clients.delete(ws);
    ws.close(close, code);
  };
  const recheck = setInterval(() => {
    for (const [ws, session] of clients) {
      try {
        dispatcher.checkSession(session);
      } catch (err) {
        refuseSession(ws, err);
      }
    }
  }, opts.sessionCheckMs ?? 5000);
  recheck.unref();
  server.on('upgrade', (req, socket, head) => {
    socket.on('error', (err) => log.warn('bridge socket error', { error: err.message }));
    const verdict = checkPeer(req, port);
    if (!verdict.ok || (req.url ?? '').split('?')[0] !== '/events') {
      socket.end(`HTTP/1.1 ${verdict.ok ? 404 : 403} Refused\r\nConnection: close\r\n\r\n`);
      return;
    }
    if (unauthenticated >= MAX_UNAUTHENTICATED_SOCKETS) {
      log.warn('bridge: too many unauthenticated sockets, upgrade refused', { unauthenticated });
      socket.end('HTTP/1.1 503 Busy\r\nConnection: close\r\nRetry-After: 1\r\n\r\n');
      return;
    }
    unauthenticated++;
    let pending = true;
    const settle = (): void => {
      if (pending) unauthenticated--;
      pending = false;
    };
    socket.once('close', settle); // also when the handshake itself never completes
    wss.handleUpgrade(req, socket, head, (ws) => {
      ws.on('error', (err) => {
        log.warn('bridge websocket error', { error: err.message });
        ws.terminate();
      });
      const authTimer = setTimeout(() => ws.close(EVENTS_CLOSE.UNAUTHORIZED, 'auth timeout'), 5000);
      ws.once('message', (data) => {
        clearTimeout(authTimer);
        settle();
        let msg: { type?: unknown; token?: unknown; session?: unknown } = {};
        try {
          msg = JSON.parse(String(data)) as typeof msg;
        } catch {
          /* falls through to refusal */
        }
        if (msg.type !== 'auth' || typeof msg.token !== 'string' || !tokenMatches(msg.token, token)) {
          ws.close(EVENTS_CLOSE.UNAUTHORIZED, 'unauthorized');
          return;
        }
        const session = typeof msg.session === 'string' ? msg.session : null;
        try {
          dispatcher.checkSession(session);
        } catch (err) {
          refuseSession(ws, err);
          return;
        }
        clients.set(ws, session!);
        ws.send(JSON.stringify({ type: 'ready', at: new Date().toISOString(), data: { stationId: station.row.id } }));
        ws.on('close', () => clients.delete(ws));
      });
    });
  });

  const onEvent = (ev: StationEvent): void => {
    const text = JSON.stringify(ev);
    for (const ws of clients.keys()) if (ws.readyState === ws.OPEN) ws.send(text);
  };
  station.events.on('event', onEvent);

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  const info: BridgeInfo = {
    url: `http://127.0.0.1:${port}/`,
    port,
    token,
    pid: process.pid,
    startedAt: new Date().toISOString(),
  };
  // bridge.json: owner-only, written atomically, so scripts, tests and the CLI find the running service.
  const tmp = `${station.layout.bridgeFile}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(info, null, 2), { mode: 0o600 });
  renameSync(tmp, station.layout.bridgeFile);
  log.info('bridge listening', { port });

  return {
    info,
    close: async () => {
      station.events.off('event', onEvent);
      clearInterval(recheck);
      rmSync(station.layout.bridgeFile, { force: true });
      for (const ws of clients.keys()) ws.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
