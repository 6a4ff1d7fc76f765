import { StationError } from '../../common/errors';
import type { HttpReply } from './http';

export interface ParsedReply {
  status: number;
  /** The envelope's `data` (undefined when absent). */
  data: unknown;
  message: string;
  correlationId: string | null;
  raw: unknown;
}

/**
 * Parses a protocol v1 reply `{ code, message, correlationId, data }`. Anything that is not one JSON
 * object (truncated, two documents glued together, HTML from a proxy) is SERVER_REPLY_MALFORMED.
 */
export function parseReply(reply: HttpReply, path: string): ParsedReply {
  const text = reply.body.toString('utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new StationError('SERVER_REPLY_MALFORMED', `reply to ${path} (HTTP ${reply.status}) is not JSON`, {
      path,
      status: reply.status,
      bytes: reply.body.length,
      head: text.slice(0, 80),
    });
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new StationError('SERVER_REPLY_MALFORMED', `reply to ${path} is not a JSON object`, { path, status: reply.status });
  }
  const o = json as Record<string, unknown>;
  return {
    status: reply.status,
    data: o.data,
    message: typeof o.message === 'string' ? o.message : '',
    correlationId: typeof o.correlationId === 'string' ? o.correlationId : null,
    raw: json,
  };
}

/** Seconds or an HTTP date (RFC 9110 §10.2.3) → ms; undefined when absent or garbled. */
export function retryAfterMs(header: string | string[] | undefined, now = Date.now()): number | undefined {
  const v = Array.isArray(header) ? header[0] : header;
  if (v === undefined || v.trim() === '') return undefined;
  if (/^\d+$/.test(v.trim())) return Number(v.trim()) * 1000;
  const t = Date.parse(v);
  return Number.isNaN(t) ? undefined : Math.max(0, t - now);
}

/** Maps a non-success HTTP status to a coded error, keeping the server's message for the clerk. */
export function statusError(reply: HttpReply, path: string): StationError {
  let message = '';
  let correlationId: string | null = null;
  let data: unknown;
  try {
    const p = parseReply(reply, path);
    message = p.message;
    correlationId = p.correlationId;
    data = p.data;
  } catch {
    /* error bodies may be anything */
  }
  const details: Record<string, unknown> = { path, status: reply.status, serverMessage: message, correlationId };
  const s = reply.status;
  if (s === 429) {
    const ra = retryAfterMs(reply.headers['retry-after']);
    return new StationError('SERVER_RATE_LIMITED', `server asks to slow down (429) on ${path}`, { ...details, retryAfterMs: ra });
  }
  if (s === 401 || s === 403) return new StationError('SERVER_AUTH_FAILED', `server refused authorisation (HTTP ${s}) on ${path}: ${message}`, details);
  if (s >= 500) {
    const ra = retryAfterMs(reply.headers['retry-after']);
    return new StationError('SERVER_ERROR', `server error HTTP ${s} on ${path}: ${message}`, { ...details, retryAfterMs: ra });
  }
  if (s >= 400) return new StationError('SERVER_REJECTED', `server rejected ${path} (HTTP ${s}): ${message}`, { ...details, errors: (data as { errors?: unknown } | undefined)?.errors });
  return new StationError('SERVER_REPLY_MALFORMED', `unexpected HTTP ${s} on ${path}`, details);
}

/** A reply as IT staff should see it (`sohoa sync test`): status, correlation id, the body verbatim. */
export function rawExchange(request: string, reply: HttpReply): { request: string; status: number; correlationId: string | null; body: string } {
  const header = reply.headers['x-correlation-id'];
  let correlationId = typeof header === 'string' ? header : null;
  const body = reply.body.toString('utf8');
  try {
    const o = JSON.parse(body) as Record<string, unknown>;
    if (typeof o.correlationId === 'string') correlationId = o.correlationId;
  } catch {
    /* not JSON: shown as it is */
  }
  return { request, status: reply.status, correlationId, body: body.slice(0, 64 * 1024) };
}

/** multipart/form-data with one file part (RFC 7578), for the targets that take uploads that way. */
export function multipartBody(part: string, fileName: string, contentType: string, data: Buffer): { body: Buffer; contentType: string } {
  const boundary = `----sohoa${Date.now().toString(16)}${Math.random().toString(16).slice(2)}`;
  // RFC 7578 §4.2: the file name goes as UTF-8 in the quoted string (as browsers send it), never as filename*.
  const safeName = fileName.replace(/["\r\n]/g, '_');
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="${part}"; filename="${safeName}"\r\nContent-Type: ${contentType}\r\n\r\n`,
    'utf8',
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`, 'utf8');
  return { body: Buffer.concat([head, data, tail]), contentType: `multipart/form-data; boundary=${boundary}` };
}
