import type { MethodName, ParsedParamsOf, ResultOf } from '../../common/api';
import type { CaptureService } from '../capture/service';
import type { OcrQueue } from '../dossiers/documentOcr';
import type { ResolvedSession, SessionUser } from '../accounts/service';
import type { Station } from '../station/station';
import type { SyncEngine } from '../sync/engine';

/** What a transport knows about a call: its name and the session token the caller presented, if any. */
export interface Caller {
  /** Transport name for logs: 'http', 'ipc', 'cli'. */
  via: string;
  /** The clerk's session token (from auth.signIn); the dispatcher resolves it, never the transport. */
  session?: string | null | undefined;
}

/** What a handler gets: the signed-in user the dispatcher resolved from the session. */
export interface CallContext {
  /** Null only for public methods called without a session. */
  user: SessionUser | null;
  via: string;
  session: ResolvedSession | null;
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
  ocr: OcrQueue;
}

export type HandlerFactory<K extends MethodName> = (station: Station, deps: ServiceDeps) => HandlersFor<K>;
