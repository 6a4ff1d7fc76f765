import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** 127.0.0.0/8 and ::1, also as IPv4-mapped IPv6. */
export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  const a = address.startsWith('::ffff:') ? address.slice(7) : address;
  return a === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(a);
}

export function allowedHosts(port: number): Set<string> {
  return new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
}

export function allowedOrigins(port: number): Set<string> {
  return new Set([`http://127.0.0.1:${port}`, `http://localhost:${port}`]);
}

export type GuardVerdict = { ok: true } | { ok: false; status: number; reason: string };

/**
 * Refuses anything that is not this machine talking to this bridge: a non-loopback peer, a Host header
 * that is not ours (DNS rebinding: evil.example resolving to 127.0.0.1 still sends Host: evil.example)
 * or a foreign Origin (a web page in the clerk's browser posting cross-site).
 */
export function checkPeer(req: IncomingMessage, port: number): GuardVerdict {
  if (!isLoopback(req.socket.remoteAddress)) return { ok: false, status: 403, reason: 'non-loopback peer' };
  const host = req.headers.host;
  if (!host || !allowedHosts(port).has(host.toLowerCase())) return { ok: false, status: 403, reason: 'foreign Host header' };
  const origin = req.headers.origin;
  if (origin !== undefined && !allowedOrigins(port).has(origin.toLowerCase())) return { ok: false, status: 403, reason: 'foreign Origin' };
  return { ok: true };
}

export function tokenMatches(given: string | undefined, token: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function bearer(req: IncomingMessage): string | undefined {
  const h = req.headers.authorization;
  if (!h) return undefined;
  const m = /^Bearer\s+(\S+)$/i.exec(h);
  return m?.[1];
}

/** The clerk's session token (from auth.signIn), sent beside the bridge token on every call. */
export const SESSION_HEADER = 'x-sohoa-session';

export function sessionHeader(req: IncomingMessage): string | undefined {
  const h = req.headers[SESSION_HEADER];
  return typeof h === 'string' && h !== '' ? h : undefined;
}
