import type { MethodName, ParsedParamsOf, ResultOf } from '../../common/api';
import type { Role } from '../../common/schemas';
import type { CaptureService } from '../capture/service';
import type { Station } from '../station/station';
import type { SyncEngine } from '../sync/engine';

export interface CallContext {
  /** The signed-in user, when the transport knows one. */
  user: { id: string; role: Role } | null;
  /** Transport name for logs: 'http', 'ipc', 'cli'. */
  via: string;
}

export type Handler<M extends MethodName> = (
  params: ParsedParamsOf<M>,
  ctx: CallContext,
) => ResultOf<M> | Promise<ResultOf<M>>;

export type HandlersFor<K extends MethodName> = { [M in K]: Handler<M> };

/** The long-lived services handlers call into, built once by the composition root (stationServices.ts). */
export interface ServiceDeps {
  capture: CaptureService;
  sync: SyncEngine;
}

export type HandlerFactory<K extends MethodName> = (station: Station, deps: ServiceDeps) => HandlersFor<K>;
