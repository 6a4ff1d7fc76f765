import { z } from 'zod';
import { roleSchema } from '../schemas';
import { idempotencyKey, method, noParams } from './method';

export const accountSchema = z.object({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  role: roleSchema,
  active: z.boolean(),
  mustChangePassword: z.boolean(),
  createdAt: z.string(),
});
export type AccountInfo = z.infer<typeof accountSchema>;

export const sessionUserSchema = z.object({ id: z.string(), role: roleSchema, login: z.string(), name: z.string() });
export type SessionUserInfo = z.infer<typeof sessionUserSchema>;

const username = z.string().min(2).max(64);
const password = z.string().min(1).max(200);
const displayName = z.string().trim().min(1).max(200);
const ok = z.object({ ok: z.literal(true) });

/** Sign-in, sessions and the clerks' accounts (docs/accounts.md). Passwords are never logged or echoed. */
export const accountsMethods = {
  /** Liveness and what the first screen needs: is an admin still to be created, is this demo mode. */
  'station.health': method({
    params: noParams,
    result: z.object({ ok: z.literal(true), version: z.string(), setupRequired: z.boolean(), demoMode: z.boolean() }),
    mutating: false,
    public: true,
  }),
  /** First run: the one-time code from the printed setup link creates the first admin. */
  'auth.setup': method({
    params: z.object({ code: z.string().min(8).max(200), username, displayName, password }).strict(),
    result: accountSchema,
    mutating: false,
    public: true,
  }),
  /** Not `mutating`: its result (the session token) is never stored for idempotent replay. */
  'auth.signIn': method({
    params: z.object({ username, password }).strict(),
    result: z.object({ session: z.string(), user: sessionUserSchema, idleLockMinutes: z.number(), mustChangePassword: z.boolean() }),
    mutating: false,
    public: true,
  }),
  'auth.whoami': method({
    params: noParams,
    result: z.object({ user: sessionUserSchema, locked: z.boolean(), idleLockMinutes: z.number(), mustChangePassword: z.boolean() }),
    mutating: false,
    whileLocked: true,
    beforePasswordChange: true,
  }),
  'auth.signOut': method({ params: noParams, result: ok, mutating: false, whileLocked: true, beforePasswordChange: true }),
  /** The clerk steps away: lock now (Ctrl+L); unlock with the same password. */
  'auth.lock': method({ params: noParams, result: ok, mutating: false, beforePasswordChange: true }),
  'auth.unlock': method({ params: z.object({ password }).strict(), result: ok, mutating: false, whileLocked: true, beforePasswordChange: true }),
  'auth.changePassword': method({ params: z.object({ current: password, next: password }).strict(), result: ok, mutating: false, beforePasswordChange: true }),
  'accounts.list': method({ params: noParams, result: z.array(accountSchema), mutating: false, roles: ['admin'] }),
  'accounts.create': method({
    params: z.object({ username, displayName, role: roleSchema, password, idempotencyKey }).strict(),
    result: accountSchema,
    mutating: true,
    roles: ['admin'],
  }),
  'accounts.update': method({
    params: z.object({ id: z.string().min(1).max(64), displayName: displayName.optional(), role: roleSchema.optional(), active: z.boolean().optional(), idempotencyKey }).strict(),
    result: accountSchema,
    mutating: true,
    roles: ['admin'],
  }),
  /** The admin sets a temporary password; the clerk's sessions end and the clerk changes it at next sign-in. */
  'accounts.resetPassword': method({
    params: z.object({ id: z.string().min(1).max(64), password }).strict(),
    result: ok,
    mutating: false,
    roles: ['admin'],
  }),
  'accounts.setIdleLock': method({
    params: z.object({ minutes: z.number().int().min(0).max(240), idempotencyKey }).strict(),
    result: ok,
    mutating: true,
    roles: ['admin'],
  }),
} as const;
