/**
 * Where the connection to the station service stands, as the status bar shows it at all times: the web
 * client, the preload (Electron) and the Electron shell's service host all speak this one type.
 * `unauthorized` is the web bridge refusing the token; the Electron shell never reaches it.
 */
export type ConnectionState = 'connecting' | 'online' | 'reconnecting' | 'unauthorized';

/**
 * Close codes of the bridge's `/events` WebSocket (stable: clients act on them). The first message carries
 * the bridge token and the clerk's session; a socket is closed with the session's code when it is missing,
 * ends (expired, signed out, account disabled) or locks (idle or by hand), at the auth message or later.
 */
export const EVENTS_CLOSE = {
  /** Wrong bridge token, or no auth message in time. */
  UNAUTHORIZED: 4401,
  SIGN_IN_REQUIRED: 4410,
  SESSION_EXPIRED: 4411,
  SESSION_LOCKED: 4412,
} as const;

export type SessionCloseCode = 'SIGN_IN_REQUIRED' | 'SESSION_EXPIRED' | 'SESSION_LOCKED';

/** The session code behind an `/events` close code, or null for any other close. */
export function sessionCloseReason(code: number): SessionCloseCode | null {
  if (code === EVENTS_CLOSE.SIGN_IN_REQUIRED) return 'SIGN_IN_REQUIRED';
  if (code === EVENTS_CLOSE.SESSION_EXPIRED) return 'SESSION_EXPIRED';
  if (code === EVENTS_CLOSE.SESSION_LOCKED) return 'SESSION_LOCKED';
  return null;
}
