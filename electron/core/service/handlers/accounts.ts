import type { accountsMethods } from '../../../common/api/accounts';
import { StationError } from '../../../common/errors';
import {
  accounts,
  changeOwnPassword,
  completeSetup,
  createAccount,
  editAccount,
  idleLockMinutes,
  lockSession,
  resetPassword,
  setIdleLockMinutes,
  setupNeeded,
  signIn,
  signOut,
  unlockSession,
  type ResolvedSession,
} from '../../accounts/service';
import { appendAudit } from '../../store/audit';
import { STATION_VERSION } from '../../station/version';
import type { Station } from '../../station/station';
import type { CallContext, HandlersFor } from '../context';

/** The dispatcher guarantees a session for every non-public method; this narrows the type. */
function sessionOf(ctx: CallContext): ResolvedSession {
  if (!ctx.session) throw new StationError('SIGN_IN_REQUIRED', 'sign in first');
  return ctx.session;
}

export function createAccountsHandlers(station: Station): HandlersFor<keyof typeof accountsMethods> {
  const ok = { ok: true as const };
  return {
    'station.health': () => ({ ok: true as const, version: STATION_VERSION, setupRequired: setupNeeded(station), demoMode: station.demo }),
    'auth.setup': ({ code, username, displayName, password }) => completeSetup(station, code, { username, displayName, password }),
    'auth.signIn': ({ username, password }, ctx) => signIn(station, username, password, ctx.via),
    'auth.whoami': (_p, ctx) => {
      const s = sessionOf(ctx);
      return { user: s.user, locked: s.locked, idleLockMinutes: idleLockMinutes(station), mustChangePassword: s.mustChangePassword };
    },
    'auth.signOut': (_p, ctx) => {
      signOut(station, sessionOf(ctx));
      return ok;
    },
    'auth.lock': (_p, ctx) => {
      lockSession(station, sessionOf(ctx));
      return ok;
    },
    'auth.unlock': async ({ password }, ctx) => {
      await unlockSession(station, sessionOf(ctx), password);
      return ok;
    },
    'auth.changePassword': async ({ current, next }, ctx) => {
      await changeOwnPassword(station, sessionOf(ctx), current, next);
      return ok;
    },
    'accounts.list': () => accounts(station),
    'accounts.create': ({ username, displayName, role, password }, ctx) => createAccount(station, { username, displayName, role, password, mustChangePassword: true }, ctx.user?.id ?? null),
    'accounts.update': ({ id, displayName, role, active }, ctx) => editAccount(station, id, { displayName, role, active }, ctx.user?.id ?? null),
    'accounts.resetPassword': async ({ id, password }, ctx) => {
      await resetPassword(station, id, password, ctx.user?.id ?? null);
      return ok;
    },
    'accounts.setIdleLock': ({ minutes }, ctx) => {
      setIdleLockMinutes(station, minutes, ctx.user?.id ?? null);
      appendAudit(station.store, { actor: ctx.user?.id ?? null, action: 'accounts.idleLock', details: { minutes } });
      return ok;
    },
  };
}
