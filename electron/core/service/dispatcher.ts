import { isMethodName, stationApi, type MethodName, type ParsedParamsOf, type ResultOf } from '../../common/api';
import { deviceMethods } from '../../common/api/devices';
import { documentsMethods } from '../../common/api/documents';
import { dossierMethods } from '../../common/api/dossiers';
import { pagesMethods } from '../../common/api/pages';
import { signingMethods } from '../../common/api/signing';
import { stationMethods } from '../../common/api/station';
import { syncMethods } from '../../common/api/sync';
import { StationError, toErrorPayload } from '../../common/errors';
import type { Result } from '../../common/result';
import { createLogger } from '../log/logger';
import { sql } from '../store/sql';
import type { Station } from '../station/station';
import type { CallContext, Handler, HandlersFor } from './context';

const log = createLogger('api');

type AnyHandlers = Partial<HandlersFor<MethodName>>;

/**
 * Handler groups, one per part of StationApi, each imported when first needed: the handlers pull in image
 * coding, PDF, signing and sync libraries, which a short CLI call (`sohoa dossier list`) never uses.
 */
const GROUPS: { methods: readonly string[]; load: () => Promise<(station: Station) => AnyHandlers> }[] = [
  { methods: Object.keys(stationMethods), load: async () => (await import('./handlers/station')).createStationHandlers },
  { methods: Object.keys(dossierMethods), load: async () => (await import('./handlers/dossiers')).createDossierHandlers },
  { methods: Object.keys(deviceMethods), load: async () => (await import('./handlers/devices')).createDeviceHandlers },
  { methods: Object.keys(documentsMethods), load: async () => (await import('./handlers/documents')).createDocumentsHandlers },
  { methods: Object.keys(signingMethods), load: async () => (await import('./handlers/signing')).createSigningHandlers },
  { methods: Object.keys(syncMethods), load: async () => (await import('./handlers/sync')).createSyncHandlers },
  { methods: Object.keys(pagesMethods), load: async () => (await import('./handlers/pages')).createPagesHandlers },
];

/**
 * The service boundary: every call is validated against StationApi's schema, run, and answered as a
 * Result; a mutating call with an idempotency key answers its first result again when retried.
 */
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
        Object.assign(this.handlers, create(this.station));
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

  async invoke(methodName: string, rawParams: unknown, ctx: CallContext): Promise<Result<unknown>> {
    if (!isMethodName(methodName)) {
      return { ok: false, error: { code: 'UNKNOWN_METHOD', message: `unknown method ${methodName}` } };
    }
    const spec = stationApi[methodName];
    const parsed = spec.params.safeParse(rawParams ?? {});
    if (!parsed.success) {
      return {
        ok: false,
        error: {
          code: 'INVALID_REQUEST',
          message: `invalid params for ${methodName}`,
          details: { issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) },
        },
      };
    }
    if (spec.roles && (!ctx.user || !spec.roles.includes(ctx.user.role))) {
      return { ok: false, error: { code: 'FORBIDDEN', message: `${methodName} needs role ${spec.roles.join('|')}` } };
    }
    const params = parsed.data as ParsedParamsOf<MethodName> & { idempotencyKey?: string };
    const idemKey = spec.mutating && typeof params.idempotencyKey === 'string' ? params.idempotencyKey : undefined;
    if (idemKey !== undefined) {
      const prior = this.station.store.get<{ method: string; result_json: string }>(
        sql`SELECT method, result_json FROM idempotency WHERE key = ${idemKey}`,
      );
      if (prior) {
        if (prior.method !== methodName) {
          return { ok: false, error: { code: 'CONFLICT', message: `idempotency key reused for ${prior.method}` } };
        }
        return { ok: true, value: JSON.parse(prior.result_json) as unknown };
      }
    }
    try {
      const handler = await this.handlerFor(methodName);
      const value = (await handler(params as never, ctx)) as ResultOf<MethodName>;
      if (idemKey !== undefined) {
        this.station.store.run(sql`INSERT OR IGNORE INTO idempotency (key, method, result_json, created_at)
          VALUES (${idemKey}, ${methodName}, ${JSON.stringify(value)}, ${new Date().toISOString()})`);
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
