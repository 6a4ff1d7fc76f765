import type { z } from 'zod';
import type { Result } from './result';
import { accountsMethods } from './api/accounts';
import { deviceMethods } from './api/devices';
import { documentsMethods } from './api/documents';
import { dossierMethods } from './api/dossiers';
import { signingMethods } from './api/signing';
import { stationMethods } from './api/station';
import { syncMethods } from './api/sync';
import { pagesMethods } from './api/pages';
import { searchMethods } from './api/search';

export type { MethodSpec } from './api/method';

/**
 * StationApi: the one list of methods (each domain keeps its part in ./api/<domain>.ts). The service
 * registers a handler per entry, the web bridge routes `POST /api/<method>` to it, and the preload and web
 * clients are typed from it — a renamed method breaks the build.
 */
export const stationApi = {
  ...stationMethods,
  ...accountsMethods,
  ...dossierMethods,
  ...deviceMethods,
  ...documentsMethods,
  ...signingMethods,
  ...syncMethods,
  ...pagesMethods,
  ...searchMethods,
} as const;

export type StationApiSpec = typeof stationApi;
export type MethodName = keyof StationApiSpec;
export type ParamsOf<M extends MethodName> = z.input<StationApiSpec[M]['params']>;
export type ParsedParamsOf<M extends MethodName> = z.output<StationApiSpec[M]['params']>;
export type ResultOf<M extends MethodName> = z.output<StationApiSpec[M]['result']>;

/** What every client (preload, web bridge, CLI) offers: one call per method, never throwing. */
export interface StationClient {
  call<M extends MethodName>(method: M, params: ParamsOf<M>): Promise<Result<ResultOf<M>>>;
}

export const METHOD_NAMES = Object.keys(stationApi) as MethodName[];

export function isMethodName(name: string): name is MethodName {
  return Object.prototype.hasOwnProperty.call(stationApi, name);
}

/** Events pushed on `/events` (web) or the MessagePort (Electron): declared in events.ts. */
export { stationEventSchema, type StationEvent, type StationEventMap, type StationEventType } from './events';
