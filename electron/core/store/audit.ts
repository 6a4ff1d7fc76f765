import { createHash } from 'node:crypto';
import type { Store } from './db';
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

function rowHash(prev: string, r: Omit<AuditRow, 'hash' | 'prev_hash'>): string {
  const canonical = JSON.stringify([r.seq, r.at, r.actor, r.action, r.subject_type, r.subject_id, r.details_json]);
  return createHash('sha256').update(prev).update(canonical).digest('hex');
}

/** Appends to the hash-chained access log (Law 91/2025: who viewed/exported/signed/deleted what). */
export function appendAudit(store: Store, e: AuditInput, at: string = new Date().toISOString()): AuditRow {
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
    const row: AuditRow = { ...base, prev_hash: prev, hash: rowHash(prev, base) };
    store.run(sql`INSERT INTO audit_event (seq, at, actor, action, subject_type, subject_id, details_json, prev_hash, hash)
      VALUES (${row.seq}, ${row.at}, ${row.actor}, ${row.action}, ${row.subject_type}, ${row.subject_id}, ${row.details_json}, ${row.prev_hash}, ${row.hash})`);
    return row;
  });
}

/** Walks the chain; returns the first broken seq or null when intact. */
export function verifyAuditChain(store: Store): number | null {
  let prev = GENESIS;
  for (const r of store.db.prepare('SELECT * FROM audit_event ORDER BY seq').iterate() as IterableIterator<AuditRow>) {
    if (r.prev_hash !== prev || rowHash(prev, r) !== r.hash) return r.seq;
    prev = r.hash;
  }
  return null;
}
