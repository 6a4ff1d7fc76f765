import type { MethodName, ParamsOf, ResultOf, StationEvent } from '../../../electron/common/api';
import type { Result } from '../../../electron/common/result';
import type { PreloadStation } from '../../../electron/common/preload';
import { SessionHolder } from './session';
import type { ConnectionState, StationTransport } from './transport';

export type { PreloadStation };

/** StationTransport over Electron's preload bridge (IPC to the main process, which relays to the service). */
export class ElectronTransport implements StationTransport {
  readonly session: SessionHolder;

  constructor(
    private readonly station: PreloadStation,
    storage?: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>,
  ) {
    this.session = new SessionHolder(storage);
  }

  get state(): ConnectionState {
    return this.station.state();
  }

  async call<M extends MethodName>(method: M, params: ParamsOf<M>): Promise<Result<ResultOf<M>>> {
    try {
      const result = (await this.station.call(method, params, this.session.current)) as Result<ResultOf<M>>;
      this.session.observe(result);
      return result;
    } catch (err) {
      return { ok: false, error: { code: 'SERVICE_UNREACHABLE', message: (err as Error).message } };
    }
  }

  onEvent(fn: (ev: StationEvent) => void): () => void {
    return this.station.onEvent(fn);
  }

  onState(fn: (state: ConnectionState) => void): () => void {
    return this.station.onState(fn);
  }

  /** station-page://page/<id>?w=N — the main process resolves ids only, never paths. */
  pageImage(pageId: string, width: number): Promise<string> {
    return Promise.resolve(this.station.pageImageUrl(pageId, width));
  }

  releaseImage(): void {
    /* nothing to revoke */
  }

  importFile(componentId: string, file: File, idempotencyKey: string): Promise<Result<ResultOf<'documents.import'>>> {
    return this.call('documents.import', { componentId, path: this.station.pathForFile(file), fileName: file.name, idempotencyKey });
  }
}
