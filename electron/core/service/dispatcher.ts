import { isMethodName, stationApi, type MethodName, type ParsedParamsOf, type ResultOf } from '../../common/api';
import { StationError, toErrorPayload } from '../../common/errors';
import type { Result } from '../../common/result';
import { createLogger } from '../log/logger';
import { sql } from '../store/sql';
import type { Station } from '../station/station';
import type { CallContext, Handler, HandlersFor, ServiceDeps } from './context';
import { createDeviceHandlers } from './handlers/devices';
import { createDocumentsHandlers } from './handlers/documents';
import { createDossierHandlers } from './handlers/dossiers';
import { createSigningHandlers } from './handlers/signing';
import { createStationHandlers } from './handlers/station';
import { createSyncHandlers } from './handlers/sync';
import { createPagesHandlers } from './handlers/pages';

const log = createLogger('api');

/**
 * The service boundary: every call is validated against StationApi's schema, run, and answered as a
 * Result; a mutating call with an idempotency key answers its first result again when retried.
 */
export class Dispatcher {
  private readonly handlers: HandlersFor<MethodName>;

  constructor(
    private readonly station: Station,
    deps: ServiceDeps,
  ) {
    this.handlers = {
      ...createStationHandlers(station),
      ...createDossierHandlers(station, deps),
      ...createDeviceHandlers(station, deps),
      ...createDocumentsHandlers(station),
      ...createSigningHandlers(station),
      ...createSyncHandlers(station, deps),
      ...createPagesHandlers(station),
    };
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
      const handler = this.handlers[methodName] as Handler<MethodName>;
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
