import { isMethodName, stationApi, type MethodName, type ParsedParamsOf, type ResultOf } from '../../common/api';
import { accountsMethods } from '../../common/api/accounts';
import { deviceMethods } from '../../common/api/devices';
import { documentsMethods } from '../../common/api/documents';
import { dossierMethods } from '../../common/api/dossiers';
import { pagesMethods } from '../../common/api/pages';
import { searchMethods } from '../../common/api/search';
import { signingMethods } from '../../common/api/signing';
import { stationMethods } from '../../common/api/station';
import { syncMethods } from '../../common/api/sync';
import { StationError, toErrorPayload } from '../../common/errors';
import { PATH_NOT_LOCAL_MESSAGE } from '../../common/localPath';
import type { Result } from '../../common/result';
import { createLogger } from '../log/logger';
import { idempotentResult, recordIdempotentResult } from '../store/idempotency';
import type { Station } from '../station/station';
import { resolveSession, sessionActive, type ResolvedSession } from '../accounts/service';
import type { Caller, CallContext, Handler, HandlersFor, ServiceDeps } from './context';

const log = createLogger('api');

type AnyHandlers = Partial<HandlersFor<MethodName>>;

/**
 * Handler groups, one per part of StationApi, each imported when first needed: the handlers pull in image
 * coding, PDF, signing and sync libraries, which a short CLI call (`sohoa dossier list`) never uses.
 */
const GROUPS: { methods: readonly string[]; load: () => Promise<(station: Station, deps: ServiceDeps) => AnyHandlers> }[] = [
  { methods: Object.keys(stationMethods), load: async () => (await import('./handlers/station')).createStationHandlers },
  { methods: Object.keys(accountsMethods), load: async () => (await import('./handlers/accounts')).createAccountsHandlers },
  { methods: Object.keys(dossierMethods), load: async () => (await import('./handlers/dossiers')).createDossierHandlers },
  { methods: Object.keys(deviceMethods), load: async () => (await import('./handlers/devices')).createDeviceHandlers },
  { methods: Object.keys(documentsMethods), load: async () => (await import('./handlers/documents')).createDocumentsHandlers },
  { methods: Object.keys(signingMethods), load: async () => (await import('./handlers/signing')).createSigningHandlers },
  { methods: Object.keys(syncMethods), load: async () => (await import('./handlers/sync')).createSyncHandlers },
  { methods: Object.keys(pagesMethods), load: async () => (await import('./handlers/pages')).createPagesHandlers },
  { methods: Object.keys(searchMethods), load: async () => (await import('./handlers/search')).createSearchHandlers },
];

/**
 * The service boundary, the same for every transport (bridge, Electron IPC, CLI in-process): the caller's
 * session is resolved to a signed-in clerk (public methods aside), the role is checked against the method
 * map, the params are validated against StationApi's schema, the handler runs, and the answer is a Result;
 * a mutating call with an idempotency key answers its first result again when retried.
 */
/** A temporary password (new account, admin reset) opens nothing but changing it: the UI's forced form is not the only guard. */
function refuseTemporaryPassword(s: ResolvedSession): void {
  if (s.mustChangePassword) throw new StationError('PASSWORD_CHANGE_REQUIRED', `${s.user.login} must set a new password first`);
}

export class Dispatcher {
  private readonly handlers: AnyHandlers = {};
  private readonly loading = new Map<number, Promise<void>>();
  /** Every group, loaded at construction unless `lazy` (the service starts its background work this way). */
  private readonly all: Promise<void> | null;

  /**
   * `lazy`: load a handler group at its first call (the CLI's in-process station). Otherwise every group is
   * loaded now — the service's background tasks (timestamp retry) start with it — and calls wait for all.
   */
  constructor(
    private readonly station: Station,
    private readonly deps: ServiceDeps,
    opts: { lazy?: boolean } = {},
  ) {
    this.all = opts.lazy ? null : Promise.all(GROUPS.map((_, i) => this.loadGroup(i))).then(() => undefined);
    // A failed load is reported by the call that waits for it.
    this.all?.catch(() => undefined);
  }

  private loadGroup(index: number): Promise<void> {
    let p = this.loading.get(index);
    if (!p) {
      p = GROUPS[index]!.load().then((create) => {
        Object.assign(this.handlers, create(this.station, this.deps));
      });
      this.loading.set(index, p);
    }
    return p;
  }

  private async handlerFor(method: MethodName): Promise<Handler<MethodName>> {
    if (this.all) await this.all;
    else await this.loadGroup(GROUPS.findIndex((g) => g.methods.includes(method)));
    const handler = this.handlers[method] as Handler<MethodName> | undefined;
    if (!handler) throw new StationError('INTERNAL', `no handler for ${method}`);
    return handler;
  }

  /**
   * The clerk behind a session token, for routes outside StationApi (page images, uploads): the same
   * refusals as a call (SIGN_IN_REQUIRED, SESSION_EXPIRED, SESSION_LOCKED).
   */
  authenticate(session: string | null | undefined): ResolvedSession {
    const s = this.checkSession(session);
    refuseTemporaryPassword(s);
    sessionActive(this.station, s);
    return s;
  }

  /**
   * As authenticate, without counting as the clerk's activity: the events socket re-checks its session
   * while it is open, and that must not keep an idle session from locking.
   */
  checkSession(session: string | null | undefined): ResolvedSession {
    const s = resolveSession(this.station, session);
    if (s.locked) throw new StationError('SESSION_LOCKED', 'the session is locked; unlock with your password');
    return s;
  }

  private context(spec: { public?: true; whileLocked?: true; beforePasswordChange?: true }, caller: Caller): CallContext {
    if (spec.public) {
      // A public method runs without a session; a valid one still names the caller (audit).
      let session: ResolvedSession | null = null;
      if (caller.session) {
        try {
          session = resolveSession(this.station, caller.session);
        } catch {
          session = null;
        }
      }
      return { user: session?.user ?? null, via: caller.via, session };
    }
    const session = resolveSession(this.station, caller.session);
    if (session.locked && !spec.whileLocked) throw new StationError('SESSION_LOCKED', 'the session is locked; unlock with your password');
    if (!spec.beforePasswordChange) refuseTemporaryPassword(session);
    if (!session.locked) sessionActive(this.station, session);
    return { user: session.user, via: caller.via, session };
  }

  async invoke(methodName: string, rawParams: unknown, caller: Caller): Promise<Result<unknown>> {
    if (!isMethodName(methodName)) {
      return { ok: false, error: { code: 'UNKNOWN_METHOD', message: `unknown method ${methodName}` } };
    }
    const spec = stationApi[methodName];
    let ctx: CallContext;
    try {
      ctx = this.context(spec, caller);
    } catch (err) {
      return { ok: false, error: toErrorPayload(err) };
    }
    if (spec.roles && (!ctx.user || !spec.roles.includes(ctx.user.role))) {
      return { ok: false, error: { code: 'FORBIDDEN', message: `${methodName} needs role ${spec.roles.join('|')}`, details: { role: ctx.user?.role ?? null } } };
    }
    const parsed = spec.params.safeParse(rawParams ?? {});
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
      // A network path anywhere in the params has its own code (one check: common/localPath.ts).
      const network = issues.find((i) => i.message === PATH_NOT_LOCAL_MESSAGE);
      if (network) return { ok: false, error: { code: 'PATH_NOT_LOCAL', message: `${methodName}: ${network.path} is a network path`, details: { param: network.path } } };
      return { ok: false, error: { code: 'INVALID_REQUEST', message: `invalid params for ${methodName}`, details: { issues } } };
    }
    const params = parsed.data as ParsedParamsOf<MethodName> & { idempotencyKey?: string };
    const idemKey = spec.mutating && typeof params.idempotencyKey === 'string' ? params.idempotencyKey : undefined;
    if (idemKey !== undefined) {
      const prior = idempotentResult(this.station.store, idemKey);
      if (prior) {
        if (prior.method !== methodName) {
          return { ok: false, error: { code: 'CONFLICT', message: `idempotency key reused for ${prior.method}` } };
        }
        return { ok: true, value: JSON.parse(prior.resultJson) as unknown };
      }
    }
    try {
      const handler = await this.handlerFor(methodName);
      const value = (await handler(params as never, ctx)) as ResultOf<MethodName>;
      if (idemKey !== undefined) {
        recordIdempotentResult(this.station.store, idemKey, methodName, JSON.stringify(value));
      }
      return { ok: true, value };
    } catch (err) {
      const payload = toErrorPayload(err);
      if (err instanceof StationError) log.warn('call failed', { method: methodName, code: payload.code, message: payload.message });
      else log.error('call crashed', { method: methodName, err });
      return { ok: false, error: payload };
    }
  }
}
