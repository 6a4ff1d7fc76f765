import type { Store } from './db';
import { sql } from './sql';

/** MaHoSo reserved for a draft before the create call (migration 0016). */
export function reservedCode(store: Store, dossierId: string): string | null {
  const r = store.get<{ c: string }>(sql`SELECT dossier_code AS c FROM dossier_code_reservation WHERE dossier_id = ${dossierId}`);
  if (r) return r.c;
  return store.get<{ c: string | null }>(sql`SELECT server_code AS c FROM dossier WHERE id = ${dossierId}`)?.c ?? null;
}

/** Keeps the first reservation: a second one for the same draft (a retried next-code) is ignored. */
export function reserveCode(store: Store, dossierId: string, code: string, target: string, at: string): string {
  store.run(sql`INSERT OR IGNORE INTO dossier_code_reservation (dossier_id, dossier_code, target, reserved_at) VALUES (${dossierId}, ${code}, ${target}, ${at})`);
  return reservedCode(store, dossierId) ?? code;
}

/** The next number of this station's own per-agency, per-day sequence, starting at START. */
export function nextLocalSeq(store: Store, agency: string, day: string, start: number): number {
  const r = store.get<{ last_seq: number }>(sql`INSERT INTO local_code_sequence (agency_code, day, last_seq) VALUES (${agency}, ${day}, ${start})
    ON CONFLICT (agency_code, day) DO UPDATE SET last_seq = last_seq + 1 RETURNING last_seq`);
  return r!.last_seq;
}
