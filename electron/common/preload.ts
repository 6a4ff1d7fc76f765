import type { ConnectionState } from './connection';
import type { StationEvent } from './events';

/**
 * What the preload exposes as `window.station` (electron/preload/preload.ts `satisfies` it; the renderer's
 * ElectronTransport consumes it), so a renamed or reshaped function breaks the build on both sides.
 */
export interface PreloadStation {
  /** One StationApi call, with the signed-in clerk's session (the dispatcher resolves and checks it). */
  call(method: string, params: unknown, session?: string | null): Promise<unknown>;
  onEvent(fn: (ev: StationEvent) => void): () => void;
  onState(fn: (state: ConnectionState) => void): () => void;
  state(): ConnectionState;
  pageImageUrl(pageId: string, width: number): string;
  /** webUtils.getPathForFile: the path of a file the user picked (the renderer itself never sees paths otherwise). */
  pathForFile(file: File): string;
}
