import type { Role } from '../../common/schemas';
import type { Store } from './db';
import { sql } from './sql';

export interface AccountRow {
  id: string;
  login: string;
  full_name: string;
  role: Role;
  active: number;
  created_at: string;
  password_hash: string | null;
  must_change_password: number;
  password_changed_at: string | null;
}

export interface SessionRow {
  token_sha256: string;
  user_id: string;
  via: string;
  created_at: string;
  last_seen_at: string;
  locked: number;
  expires_at: string;
}

/** Accounts that can sign in (the built-in 'local' actor has no password and is left out). */
export function listAccounts(store: Store): AccountRow[] {
  return store.all<AccountRow>(sql`SELECT * FROM user WHERE password_hash IS NOT NULL ORDER BY role, login`);
}

export function accountByLogin(store: Store, login: string): AccountRow | undefined {
  return store.get<AccountRow>(sql`SELECT * FROM user WHERE login = ${login}`);
}

export function accountById(store: Store, id: string): AccountRow | undefined {
  return store.get<AccountRow>(sql`SELECT * FROM user WHERE id = ${id}`);
}

export function countActiveAdmins(store: Store): number {
  return store.get<{ n: number }>(sql`SELECT count(*) AS n FROM user WHERE role = 'admin' AND active = 1 AND password_hash IS NOT NULL`)?.n ?? 0;
}

export function insertAccount(store: Store, a: { id: string; login: string; fullName: string; role: Role; passwordHash: string; mustChange: boolean; at: string }): void {
  store.run(sql`INSERT INTO user (id, login, full_name, role, active, created_at, password_hash, must_change_password, password_changed_at)
    VALUES (${a.id}, ${a.login}, ${a.fullName}, ${a.role}, 1, ${a.at}, ${a.passwordHash}, ${a.mustChange ? 1 : 0}, ${a.at})`);
}

export function setPasswordHash(store: Store, userId: string, hash: string, mustChange: boolean, at: string): void {
  store.run(sql`UPDATE user SET password_hash = ${hash}, must_change_password = ${mustChange ? 1 : 0}, password_changed_at = ${at} WHERE id = ${userId}`);
}

export function updateAccount(store: Store, userId: string, patch: { fullName?: string | undefined; role?: Role | undefined; active?: boolean | undefined }): void {
  if (patch.fullName !== undefined) store.run(sql`UPDATE user SET full_name = ${patch.fullName} WHERE id = ${userId}`);
  if (patch.role !== undefined) store.run(sql`UPDATE user SET role = ${patch.role} WHERE id = ${userId}`);
  if (patch.active !== undefined) store.run(sql`UPDATE user SET active = ${patch.active ? 1 : 0} WHERE id = ${userId}`);
}

export function insertSession(store: Store, s: SessionRow): void {
  store.run(sql`INSERT INTO session (token_sha256, user_id, via, created_at, last_seen_at, locked, expires_at)
    VALUES (${s.token_sha256}, ${s.user_id}, ${s.via}, ${s.created_at}, ${s.last_seen_at}, ${s.locked}, ${s.expires_at})`);
}

export function sessionByHash(store: Store, tokenSha256: string): SessionRow | undefined {
  return store.get<SessionRow>(sql`SELECT * FROM session WHERE token_sha256 = ${tokenSha256}`);
}

export function touchSession(store: Store, tokenSha256: string, at: string): void {
  store.run(sql`UPDATE session SET last_seen_at = ${at} WHERE token_sha256 = ${tokenSha256}`);
}

export function setSessionLocked(store: Store, tokenSha256: string, locked: boolean, at: string): void {
  store.run(sql`UPDATE session SET locked = ${locked ? 1 : 0}, last_seen_at = ${at} WHERE token_sha256 = ${tokenSha256}`);
}

export function deleteSession(store: Store, tokenSha256: string): void {
  store.run(sql`DELETE FROM session WHERE token_sha256 = ${tokenSha256}`);
}

/** A reset password or a deactivated account ends every session of that account. */
export function deleteSessionsOf(store: Store, userId: string): void {
  store.run(sql`DELETE FROM session WHERE user_id = ${userId}`);
}

export function deleteExpiredSessions(store: Store, now: string): void {
  store.run(sql`DELETE FROM session WHERE expires_at <= ${now}`);
}

export function recordSignInAttempt(store: Store, login: string, ok: boolean, at: string): void {
  store.run(sql`INSERT INTO sign_in_attempt (login, ok, at) VALUES (${login}, ${ok ? 1 : 0}, ${at})`);
}

/** Failed attempts for `login` since `sinceIso` and after its last success (a success resets the count). */
export function recentFailures(store: Store, login: string, sinceIso: string): { count: number; last: string | null } {
  const r = store.get<{ n: number; last: string | null }>(sql`SELECT count(*) AS n, max(at) AS last FROM sign_in_attempt
    WHERE login = ${login} AND ok = 0 AND at >= ${sinceIso}
      AND at > coalesce((SELECT max(at) FROM sign_in_attempt WHERE login = ${login} AND ok = 1), '')`);
  return { count: r?.n ?? 0, last: r?.last ?? null };
}
