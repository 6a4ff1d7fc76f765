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
