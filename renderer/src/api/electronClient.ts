import type { MethodName, ParamsOf, ResultOf, StationEvent } from '../../../electron/common/api';
import type { Result } from '../../../electron/common/result';
import type { PreloadStation } from '../../../electron/common/preload';
import type { ConnectionState, StationTransport } from './transport';

export type { PreloadStation };

/** StationTransport over Electron's preload bridge (IPC to the main process, which relays to the service). */
export class ElectronTransport implements StationTransport {
  constructor(private readonly station: PreloadStation) {}

  get state(): ConnectionState {
    return this.station.state();
  }

  async call<M extends MethodName>(method: M, params: ParamsOf<M>): Promise<Result<ResultOf<M>>> {
    try {
      return (await this.station.call(method, params)) as Result<ResultOf<M>>;
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
