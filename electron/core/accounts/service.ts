/**
 * Clerks' accounts and sessions. A counter PC is shared by several clerks: each signs in with their own
 * account, every call carries the session, and the session locks itself after N idle minutes (quick unlock
 * with the same password keeps the screen as it was). Only the SHA-256 of a session token is stored.
 */
import { createHash, randomBytes } from 'node:crypto';
import { ulid } from '../../common/ids';
import { StationError } from '../../common/errors';
import type { Role } from '../../common/schemas';
import { appendAudit } from '../store/audit';
import {
  accountById,
  accountByLogin,
  countActiveAdmins,
  deleteExpiredSessions,
  deleteSession,
  deleteSessionsOf,
  insertAccount,
  insertSession,
  listAccounts,
  recentFailures,
  recordSignInAttempt,
  sessionByHash,
  setPasswordHash,
  setSessionLocked,
  touchSession,
  updateAccount,
  type AccountRow,
} from '../store/accounts';
import { getSetting, setSetting } from '../store/settings';
import type { Station } from '../station/station';
import { hashPassword, MIN_PASSWORD_LENGTH, needsRehash, verifyPassword } from './password';

export interface SessionUser {
  id: string;
  role: Role;
  login: string;
  name: string;
}

export interface Account {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  active: boolean;
  mustChangePassword: boolean;
  createdAt: string;
}

/** Sign-in rate limit: after 5 failures within 15 minutes the name is refused for 5 minutes from the last failure. */
export const RATE_LIMIT = { failures: 5, windowMs: 15 * 60_000, blockMs: 5 * 60_000 } as const;
/** A session ends after 12 hours whatever the activity (a working day plus overtime). */
const SESSION_MAX_MS = 12 * 3600_000;
/** last_seen_at is written at most this often (a busy scan screen polls; the idle lock needs minutes, not ms). */
const TOUCH_EVERY_MS = 15_000;
export const DEFAULT_IDLE_LOCK_MINUTES = 10;
const IDLE_KEY = 'accounts.idleLockMinutes';
const SETUP_KEY = 'accounts.setupCodeSha256';

const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');
const normLogin = (s: string): string => s.trim().toLowerCase();

export function toAccount(r: AccountRow): Account {
  return { id: r.id, username: r.login, displayName: r.full_name, role: r.role, active: r.active === 1, mustChangePassword: r.must_change_password === 1, createdAt: r.created_at };
}

export function idleLockMinutes(station: Station): number {
  return getSetting<number>(station.store, IDLE_KEY) ?? DEFAULT_IDLE_LOCK_MINUTES;
}

export function setIdleLockMinutes(station: Station, minutes: number, by: string | null): void {
  setSetting(station.store, IDLE_KEY, minutes, by);
}

function checkPassword(password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH) throw new StationError('PASSWORD_TOO_SHORT', `a password needs at least ${MIN_PASSWORD_LENGTH} characters`);
}

export function setupNeeded(station: Station): boolean {
  return countActiveAdmins(station.store) === 0;
}

/**
 * A one-time setup code for the first admin (printed in the link at first start). A new code replaces the
 * previous one; it is gone once an admin exists.
 */
export function newSetupCode(station: Station): string | null {
  if (!setupNeeded(station)) return null;
  const code = randomBytes(18).toString('base64url');
  setSetting(station.store, SETUP_KEY, sha256(code));
  return code;
}

export async function createAccount(
  station: Station,
  a: { username: string; displayName: string; role: Role; password: string; mustChangePassword?: boolean },
  by: string | null,
): Promise<Account> {
  checkPassword(a.password);
  const login = normLogin(a.username);
  if (!/^[a-z0-9._-]{2,64}$/.test(login)) throw new StationError('INVALID_REQUEST', 'a username is 2–64 letters a–z, digits, dot, dash or underscore');
  const hash = await hashPassword(a.password);
  const at = new Date().toISOString();
  const id = ulid();
  station.store.tx(() => {
    if (accountByLogin(station.store, login)) throw new StationError('ACCOUNT_EXISTS', `username ${login} is taken`, { username: login });
    insertAccount(station.store, { id, login, fullName: a.displayName.trim(), role: a.role, passwordHash: hash, mustChange: a.mustChangePassword ?? false, at });
    appendAudit(station.store, { actor: by, action: 'account.create', subjectType: 'user', subjectId: id, details: { username: login, role: a.role } });
  });
  return toAccount(accountById(station.store, id)!);
}

export async function completeSetup(station: Station, code: string, a: { username: string; displayName: string; password: string }): Promise<Account> {
  if (!setupNeeded(station)) throw new StationError('SETUP_DONE', 'the station already has an admin');
  const stored = getSetting<string>(station.store, SETUP_KEY);
  if (!stored || stored !== sha256(code)) throw new StationError('SETUP_CODE_INVALID', 'wrong or used setup code');
  const account = await createAccount(station, { ...a, role: 'admin' }, null);
  setSetting(station.store, SETUP_KEY, null);
  return account;
}

export function accounts(station: Station): Account[] {
  return listAccounts(station.store).map(toAccount);
}

export async function resetPassword(station: Station, userId: string, password: string, by: string | null, mustChange = true): Promise<void> {
  checkPassword(password);
  const row = accountById(station.store, userId);
  if (!row || row.password_hash === null) throw new StationError('NOT_FOUND', `no account ${userId}`);
  const hash = await hashPassword(password);
  station.store.tx(() => {
    setPasswordHash(station.store, userId, hash, mustChange, new Date().toISOString());
    deleteSessionsOf(station.store, userId);
    appendAudit(station.store, { actor: by, action: 'account.resetPassword', subjectType: 'user', subjectId: userId });
  });
}

export function editAccount(station: Station, userId: string, patch: { displayName?: string | undefined; role?: Role | undefined; active?: boolean | undefined }, by: string | null): Account {
  return station.store.tx(() => {
    const row = accountById(station.store, userId);
    if (!row || row.password_hash === null) throw new StationError('NOT_FOUND', `no account ${userId}`);
    const losesAdmin = row.role === 'admin' && row.active === 1 && ((patch.role !== undefined && patch.role !== 'admin') || patch.active === false);
    if (losesAdmin && countActiveAdmins(station.store) <= 1) throw new StationError('LAST_ADMIN', 'the last admin account cannot be demoted or deactivated');
    updateAccount(station.store, userId, { fullName: patch.displayName, role: patch.role, active: patch.active });
    if (patch.active === false || patch.role !== undefined) deleteSessionsOf(station.store, userId);
    appendAudit(station.store, { actor: by, action: 'account.edit', subjectType: 'user', subjectId: userId, details: { ...patch } });
    return toAccount(accountById(station.store, userId)!);
  });
}

function checkRate(station: Station, login: string, now: number): void {
  const f = recentFailures(station.store, login, new Date(now - RATE_LIMIT.windowMs).toISOString());
  if (f.count >= RATE_LIMIT.failures && f.last !== null) {
    const until = Date.parse(f.last) + RATE_LIMIT.blockMs;
    if (until > now) throw new StationError('SIGN_IN_RATE_LIMITED', `too many failed sign-ins for ${login}`, { retryAfterSeconds: Math.ceil((until - now) / 1000) });
  }
}

/** Checks a password for `login` under the rate limit; records the attempt either way. */
async function checkCredentials(station: Station, login: string, password: string): Promise<AccountRow> {
  const now = Date.now();
  checkRate(station, login, now);
  const row = accountByLogin(station.store, login);
  // An unknown name costs the same scrypt work, so timing does not tell which names exist.
  const ok = row?.password_hash ? await verifyPassword(password, row.password_hash) : (await hashPassword(password), false);
  const at = new Date().toISOString();
  recordSignInAttempt(station.store, login, ok && row?.active === 1, at);
  if (!ok || !row || row.active !== 1) {
    appendAudit(station.store, { actor: row?.id ?? null, action: 'session.signInFailed', details: { username: login } });
    throw new StationError('SIGN_IN_FAILED', 'wrong username or password');
  }
  if (needsRehash(row.password_hash!)) setPasswordHash(station.store, row.id, await hashPassword(password), row.must_change_password === 1, at);
  return row;
}

export async function signIn(station: Station, username: string, password: string, via: string): Promise<{ session: string; user: SessionUser; idleLockMinutes: number; mustChangePassword: boolean }> {
  const row = await checkCredentials(station, normLogin(username), password);
  const token = randomBytes(32).toString('base64url');
  const now = new Date();
  deleteExpiredSessions(station.store, now.toISOString());
  insertSession(station.store, {
    token_sha256: sha256(token),
    user_id: row.id,
    via,
    created_at: now.toISOString(),
    last_seen_at: now.toISOString(),
    locked: 0,
    expires_at: new Date(now.getTime() + SESSION_MAX_MS).toISOString(),
  });
  appendAudit(station.store, { actor: row.id, action: 'session.signIn', details: { via } });
  return { session: token, user: { id: row.id, role: row.role, login: row.login, name: row.full_name }, idleLockMinutes: idleLockMinutes(station), mustChangePassword: row.must_change_password === 1 };
}

export interface ResolvedSession {
  user: SessionUser;
  locked: boolean;
  /** The account's password is a temporary one: only the beforePasswordChange methods answer. */
  mustChangePassword: boolean;
  tokenSha256: string;
}

/**
 * The user behind a session token, or a coded refusal: SIGN_IN_REQUIRED (none given), SESSION_EXPIRED
 * (unknown, ended, or the account was disabled). An idle session is marked locked here; the caller decides
 * which methods a locked session may still call (unlock, sign-out, whoami).
 */
export function resolveSession(station: Station, token: string | null | undefined): ResolvedSession {
  if (!token) throw new StationError('SIGN_IN_REQUIRED', 'sign in first');
  const h = sha256(token);
  const s = sessionByHash(station.store, h);
  const now = Date.now();
  if (!s || Date.parse(s.expires_at) <= now) {
    if (s) deleteSession(station.store, h);
    throw new StationError('SESSION_EXPIRED', 'the session ended; sign in again');
  }
  const u = accountById(station.store, s.user_id);
  if (!u || u.active !== 1 || u.password_hash === null) {
    deleteSession(station.store, h);
    throw new StationError('SESSION_EXPIRED', 'the account is no longer active');
  }
  let locked = s.locked === 1;
  const idleMs = idleLockMinutes(station) * 60_000;
  if (!locked && idleMs > 0 && now - Date.parse(s.last_seen_at) > idleMs) {
    setSessionLocked(station.store, h, true, s.last_seen_at);
    locked = true;
  }
  return { user: { id: u.id, role: u.role, login: u.login, name: u.full_name }, locked, mustChangePassword: u.must_change_password === 1, tokenSha256: h };
}

/** Marks activity on an unlocked session (throttled). */
export function sessionActive(station: Station, s: ResolvedSession): void {
  const row = sessionByHash(station.store, s.tokenSha256);
  if (row && Date.now() - Date.parse(row.last_seen_at) > TOUCH_EVERY_MS) touchSession(station.store, s.tokenSha256, new Date().toISOString());
}

export function lockSession(station: Station, s: ResolvedSession): void {
  setSessionLocked(station.store, s.tokenSha256, true, new Date().toISOString());
}

/** Quick unlock: the same clerk's password (rate-limited like a sign-in) reopens the session as it was. */
export async function unlockSession(station: Station, s: ResolvedSession, password: string): Promise<void> {
  await checkCredentials(station, s.user.login, password);
  setSessionLocked(station.store, s.tokenSha256, false, new Date().toISOString());
  appendAudit(station.store, { actor: s.user.id, action: 'session.unlock' });
}

export function signOut(station: Station, s: ResolvedSession): void {
  deleteSession(station.store, s.tokenSha256);
  appendAudit(station.store, { actor: s.user.id, action: 'session.signOut' });
}

export async function changeOwnPassword(station: Station, s: ResolvedSession, current: string, next: string): Promise<void> {
  await checkCredentials(station, s.user.login, current);
  checkPassword(next);
  if (next === current) throw new StationError('PASSWORD_REUSED', 'the new password must differ from the current one');
  setPasswordHash(station.store, s.user.id, await hashPassword(next), false, new Date().toISOString());
  appendAudit(station.store, { actor: s.user.id, action: 'account.changePassword', subjectType: 'user', subjectId: s.user.id });
}

/**
 * IT staff's recovery (`sohoa admin reset-password`, run as the OS user owning the data directory): sets
 * the password of `username`, creating it as an admin when missing, activating it and making it admin.
 * Not reachable through StationApi: holding the data directory is the proof.
 */
export async function recoverAdmin(station: Station, username: string, password: string): Promise<Account> {
  checkPassword(password);
  const login = normLogin(username);
  const row = accountByLogin(station.store, login);
  if (!row || row.password_hash === null) {
    if (row) throw new StationError('CONFLICT', `${login} is a built-in name`);
    return createAccount(station, { username: login, displayName: 'Quản trị trạm', role: 'admin', password, mustChangePassword: true }, null);
  }
  const hash = await hashPassword(password);
  station.store.tx(() => {
    updateAccount(station.store, row.id, { role: 'admin', active: true });
    setPasswordHash(station.store, row.id, hash, true, new Date().toISOString());
    deleteSessionsOf(station.store, row.id);
    appendAudit(station.store, { actor: null, action: 'account.recoverAdmin', subjectType: 'user', subjectId: row.id, details: { via: 'os-user' } });
  });
  return toAccount(accountById(station.store, row.id)!);
}

/**
 * Demo mode's accounts (documented in README and docs/accounts.md), created once when the station has no
 * accounts yet. Public passwords: demo mode only.
 */
export const DEMO_ACCOUNTS = [
  { username: 'quantri', displayName: 'Quản trị (demo)', role: 'admin', password: 'demo-quantri' },
  { username: 'canbo', displayName: 'Nguyễn Thị Cán Bộ (demo)', role: 'clerk', password: 'demo-canbo1' },
  { username: 'vanthu', displayName: 'Trần Văn Thư (demo)', role: 'records_clerk', password: 'demo-vanthu' },
] as const;

export async function seedDemoAccounts(station: Station): Promise<boolean> {
  if (listAccounts(station.store).length > 0) return false;
  for (const a of DEMO_ACCOUNTS) await createAccount(station, a, null);
  return true;
}
