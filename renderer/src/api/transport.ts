import type { MethodName, ParamsOf, ResultOf, StationEvent } from '../../../electron/common/api';
import type { Result } from '../../../electron/common/result';
import type { SessionHolder } from './session';

import type { ConnectionState } from '../../../electron/common/connection';

export type { ConnectionState };

/**
 * What a screen needs from the station: one typed call per StationApi method, the event stream, the
 * connection state, and page images by id. Two implementations: the web bridge (browser against
 * `sohoa serve`) and Electron's `window.station` (preload). Both never throw from `call`.
 */
export interface StationTransport {
  call<M extends MethodName>(method: M, params: ParamsOf<M>): Promise<Result<ResultOf<M>>>;
  onEvent(fn: (ev: StationEvent) => void): () => void;
  onState(fn: (state: ConnectionState) => void): () => void;
  readonly state: ConnectionState;
  /** An image URL for a page (a blob: URL on the web, a station-page: URL in Electron); caller revokes via release. */
  pageImage(pageId: string, width: number, signal?: AbortSignal): Promise<string>;
  releaseImage(url: string): void;
  /** Imports a citizen's file into a component (documents.import), with the action's idempotency key. */
  importFile(componentId: string, file: File, idempotencyKey: string): Promise<Result<ResultOf<'documents.import'>>>;
  /** The signed-in clerk's session, sent with every call (docs/accounts.md). */
  readonly session: SessionHolder;
}
