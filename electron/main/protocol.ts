/**
 * Messages between the main process and the service's utilityProcess (MessagePort JSON). Kept as plain
 * types so both sides and the tests agree.
 */
export type ToService =
  | { kind: 'call'; id: number; method: string; params: unknown; session: string | null }
  | { kind: 'image'; id: number; pageId: string; width: number; session: string | null }
  | { kind: 'shutdown' };

export type FromService =
  /** `setupCode`: while no admin exists, the one-time code of the first-run setup link (the window opens it). */
  | { kind: 'ready'; stationId: string; setupCode: string | null }
  | { kind: 'result'; id: number; result: unknown }
  | { kind: 'image'; id: number; ok: true; bytes: Uint8Array; mediaType: string }
  | { kind: 'image'; id: number; ok: false; code: string }
  | { kind: 'event'; event: { type: string; at: string; data: Record<string, unknown> } }
  | { kind: 'stopped'; how: string };

/** Rejects anything that is not a well-formed request from main (the service trusts nothing blindly). */
export function parseToService(msg: unknown): ToService | null {
  if (typeof msg !== 'object' || msg === null) return null;
  const m = msg as Record<string, unknown>;
  if (m.kind === 'shutdown') return { kind: 'shutdown' };
  if (typeof m.id !== 'number' || !Number.isInteger(m.id)) return null;
  // The clerk's session token travels with every request; the service resolves it (never main).
  const session = typeof m.session === 'string' && m.session.length <= 200 ? m.session : null;
  if (m.kind === 'call' && typeof m.method === 'string' && m.method.length <= 100) return { kind: 'call', id: m.id, method: m.method, params: m.params ?? {}, session };
  if (m.kind === 'image' && typeof m.pageId === 'string' && typeof m.width === 'number') return { kind: 'image', id: m.id, pageId: m.pageId, width: m.width, session };
  return null;
}
