import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { Store } from './db';
import { getSetting, setSetting } from './settings';
import { sql } from './sql';

export interface AuditInput {
  actor: string | null;
  action: string;
  subjectType?: string;
  subjectId?: string;
  details?: Record<string, unknown>;
}

export interface AuditRow {
  seq: number;
  at: string;
  actor: string | null;
  action: string;
  subject_type: string | null;
  subject_id: string | null;
  details_json: string;
  prev_hash: string;
  hash: string;
}

const GENESIS = '0'.repeat(64);
/** Setting holding the first seq linked by the keyed MAC (rows before it are the plain sha256 chain of an earlier station). */
const MAC_FROM = 'audit.mac_from';
/**
 * Setting holding how far a walk found the chain intact ({seq, head, mac}); the MAC (audit key) keeps a
 * database writer from moving it. A check `since` the checkpoint walks only the rows after it.
 */
const VERIFIED = 'audit.verified';
/** A check since the checkpoint moves it on after this many new rows (a settings write, not at every start). */
const CHECKPOINT_EVERY = 1000;

function canonical(r: Omit<AuditRow, 'hash' | 'prev_hash'>): string {
  return JSON.stringify([r.seq, r.at, r.actor, r.action, r.subject_type, r.subject_id, r.details_json]);
}

function rowHash(prev: string, r: Omit<AuditRow, 'hash' | 'prev_hash'>): string {
  return createHash('sha256').update(prev).update(canonical(r)).digest('hex');
}

/**
 * With the station's audit key (derived from the sealed master key, never stored in the database) each
 * link is an HMAC: someone who can write the database — even holding its key — cannot recompute it.
 */
function rowMac(key: Buffer, prev: string, r: Omit<AuditRow, 'hash' | 'prev_hash'>): string {
  return createHmac('sha256', key).update(prev).update(canonical(r)).digest('hex');
}

function boundaryMac(key: Buffer, from: number): string {
  return createHmac('sha256', key).update(`audit.mac_from:${from}`).digest('hex');
}

/** Setting holding the last head the one-stop server acknowledged (the external anchor), MACed. */
const ANCHOR = 'audit.anchor';

/** The chain's last row: what a commit carries to the server so that cutting the tail becomes visible. */
export interface AuditHead {
  seq: number;
  hash: string;
}

interface StoredAnchor extends AuditHead {
  mac: string;
}

function anchorMac(key: Buffer, h: AuditHead): string {
  return createHmac('sha256', key).update(`audit.anchor:${h.seq}:${h.hash}`).digest('hex');
}

const auditKeys = new WeakMap<Store, Buffer>();

/**
 * Gives the store its audit MAC key. An earlier station's plain chain is verified first, then the rows
 * after it are linked by MAC; the boundary itself is MACed so it cannot be moved to hide rows.
 */
export function attachAuditKey(store: Store, key: Buffer): void {
  auditKeys.set(store, key);
  if (getSetting<{ from: number; mac: string }>(store, MAC_FROM) !== undefined) return;
  store.tx(() => {
    const last = store.get<{ seq: number }>(sql`SELECT seq FROM audit_event ORDER BY seq DESC LIMIT 1`);
    const from = (last?.seq ?? 0) + 1;
    setSetting(store, MAC_FROM, { from, mac: boundaryMac(key, from) });
  });
}

/** Appends to the chained access log (Law 91/2025: who viewed/exported/signed/deleted what). */
export function appendAudit(store: Store, e: AuditInput, at: string = new Date().toISOString()): AuditRow {
  const key = auditKeys.get(store);
  return store.tx(() => {
    const last = store.get<{ seq: number; hash: string }>(sql`SELECT seq, hash FROM audit_event ORDER BY seq DESC LIMIT 1`);
    const base = {
      seq: (last?.seq ?? 0) + 1,
      at,
      actor: e.actor,
      action: e.action,
      subject_type: e.subjectType ?? null,
      subject_id: e.subjectId ?? null,
      details_json: JSON.stringify(e.details ?? {}),
    };
    const prev = last?.hash ?? GENESIS;
    const row: AuditRow = { ...base, prev_hash: prev, hash: key ? rowMac(key, prev, base) : rowHash(prev, base) };
    store.run(sql`INSERT INTO audit_event (seq, at, actor, action, subject_type, subject_id, details_json, prev_hash, hash)
      VALUES (${row.seq}, ${row.at}, ${row.actor}, ${row.action}, ${row.subject_type}, ${row.subject_id}, ${row.details_json}, ${row.prev_hash}, ${row.hash})`);
    return row;
  });
}

/** The chain's head now (null on an empty log). */
export function auditHead(store: Store): AuditHead | null {
  return store.get<AuditHead>(sql`SELECT seq, hash FROM audit_event ORDER BY seq DESC LIMIT 1`) ?? null;
}

/**
 * Remembers a head the server acknowledged. Rows up to it exist outside this machine, so a chain that
 * later ends before it (or holds another row there) lost its tail. Only moves forward; MACed with the
 * audit key so a database writer cannot lower it to cover a cut.
 */
export function recordAuditAnchor(store: Store, head: AuditHead): void {
  const key = auditKeys.get(store);
  if (!key) return;
  store.tx(() => {
    const cur = getSetting<StoredAnchor>(store, ANCHOR);
    if (cur !== undefined && typeof cur.seq === 'number' && cur.seq >= head.seq) return;
    setSetting(store, ANCHOR, { seq: head.seq, hash: head.hash, mac: anchorMac(key, head) });
  });
}

function same(a: string, b: string): boolean {
  return a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
}

export interface AuditCheck {
  /** The first seq whose link does not hold, or null when the whole chain holds. */
  brokenAt: number | null;
  rows: number;
  /** The seq from which links are keyed MACs (null: no key given, plain hashes checked only). */
  macFrom: number | null;
  head: string;
  /**
   * AUDIT_LOG_TRUNCATED: the seq of the last anchored head when the chain no longer reaches it (or holds
   * another row there), else null. Needs the key (the anchor is MACed).
   */
  truncatedAt: number | null;
  /** The last head acknowledged by the one-stop server (null: never anchored). */
  anchoredSeq: number | null;
}

function checkpointMac(key: Buffer, seq: number, head: string): string {
  return createHmac('sha256', key).update(`audit.verified:${seq}:${head}`).digest('hex');
}

/** The checkpoint when its MAC holds and row `seq` still carries `head`; undefined otherwise (walk everything). */
function validCheckpoint(store: Store, key: Buffer): { seq: number; head: string } | undefined {
  const c = getSetting<{ seq: number; head: string; mac: string }>(store, VERIFIED);
  if (!c || typeof c.seq !== 'number' || typeof c.head !== 'string' || typeof c.mac !== 'string') return undefined;
  if (!same(c.mac, checkpointMac(key, c.seq, c.head))) return undefined;
  const row = store.get<{ hash: string }>(sql`SELECT hash FROM audit_event WHERE seq = ${c.seq}`);
  return row && same(row.hash, c.head) ? { seq: c.seq, head: c.head } : undefined;
}

/**
 * Walks the chain (MAC links with the key, plain sha256 links before the keyed part). With the key and
 * `record`, a walk that finds the chain intact records a checkpoint (the station's own open: it holds the
 * lock); `since: 'checkpoint'` then walks only the rows after a valid one (a one-shot CLI command opening the
 * station: ≈ 1 s per 50 000 rows otherwise, at every command). Rows before the checkpoint are what such a
 * check does not see again — the service's start and `doctor` walk the whole chain.
 */
export function checkAuditChain(store: Store, key: Buffer | undefined = auditKeys.get(store), opts: { since?: 'checkpoint'; record?: boolean } = {}): AuditCheck {
  let macFrom: number | null = null;
  let brokenAt: number | null = null;
  let anchor: AuditHead | null = null;
  if (key) {
    const b = getSetting<{ from: number; mac: string }>(store, MAC_FROM);
    if (b !== undefined && (typeof b.from !== 'number' || typeof b.mac !== 'string' || !same(b.mac, boundaryMac(key, b.from)))) brokenAt = 0;
    macFrom = b?.from ?? 1;
    const a = getSetting<StoredAnchor>(store, ANCHOR);
    if (a !== undefined) {
      // A forged or altered anchor is a change outside the station like any broken link.
      if (typeof a.seq !== 'number' || typeof a.hash !== 'string' || typeof a.mac !== 'string' || !same(a.mac, anchorMac(key, a))) brokenAt = 0;
      else anchor = { seq: a.seq, hash: a.hash };
    }
  }
  const from = key && opts.since === 'checkpoint' && brokenAt === null ? validCheckpoint(store, key) : undefined;
  let prev = from?.head ?? GENESIS;
  let rows = from?.seq ?? 0;
  let truncatedAt: number | null = null;
  // An anchored row before a checkpoint is not walked again: look at it directly.
  if (anchor && from && anchor.seq <= from.seq) {
    const at = store.get<{ hash: string }>(sql`SELECT hash FROM audit_event WHERE seq = ${anchor.seq}`);
    if (!at || at.hash !== anchor.hash) truncatedAt = anchor.seq;
  }
  for (const r of store.db.prepare('SELECT * FROM audit_event WHERE seq > ? ORDER BY seq').iterate(from?.seq ?? 0) as IterableIterator<AuditRow>) {
    rows++;
    if (brokenAt !== null) break;
    const expected = key && macFrom !== null && r.seq >= macFrom ? rowMac(key, prev, r) : rowHash(prev, r);
    if (r.seq !== rows || r.prev_hash !== prev || !same(expected, r.hash)) {
      brokenAt = r.seq;
      break;
    }
    // The tail was cut and the station wrote on: the anchored seq now holds another row.
    if (anchor && r.seq === anchor.seq && r.hash !== anchor.hash) truncatedAt = anchor.seq;
    prev = r.hash;
  }
  if (anchor && brokenAt === null && rows < anchor.seq) truncatedAt = anchor.seq;
  if (opts.record === true && key && brokenAt === null && truncatedAt === null && rows > 0 && (!from || rows - from.seq >= CHECKPOINT_EVERY)) {
    setSetting(store, VERIFIED, { seq: rows, head: prev, mac: checkpointMac(key, rows, prev) });
  }
  return { brokenAt, rows, macFrom, head: prev, truncatedAt, anchoredSeq: anchor?.seq ?? null };
}

/** Walks the chain; returns the first broken seq or null when intact. */
export function verifyAuditChain(store: Store): number | null {
  return checkAuditChain(store).brokenAt;
}

/** Rows of a period for an inspector (`sohoa audit export`), oldest first. */
export function auditRows(store: Store, fromIso: string, toIso: string): AuditRow[] {
  return store.all<AuditRow>(sql`SELECT * FROM audit_event WHERE at >= ${fromIso} AND at < ${toIso} ORDER BY seq`);
}
