// Preload: exposes exactly one object, window.station, which satisfies PreloadStation (electron/common/preload.ts).
// Nothing of Node or Electron leaks to the page: each function passes plain data through fixed channels.
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import type { ConnectionState } from '../common/connection';
import type { StationEvent } from '../common/events';
import type { PreloadStation } from '../common/preload';
import { IPC, pageImageUrl } from '../main/channels';

type State = ConnectionState;
let state: State = 'connecting';
const stateListeners = new Set<(s: State) => void>();
const eventListeners = new Set<(ev: StationEvent) => void>();

ipcRenderer.on(IPC.stateChanged, (_e: IpcRendererEvent, s: State) => {
  state = s;
  for (const fn of stateListeners) fn(s);
});
ipcRenderer.on(IPC.event, (_e: IpcRendererEvent, ev: StationEvent) => {
  for (const fn of eventListeners) fn(ev);
});
void ipcRenderer.invoke(IPC.state).then((s: State) => {
  state = s;
  for (const fn of stateListeners) fn(s);
});

const station = {
  call: (method: string, params: unknown, session?: string | null): Promise<unknown> =>
    ipcRenderer.invoke(IPC.call, String(method), params, typeof session === 'string' ? session : null),
  onEvent: (fn: (ev: StationEvent) => void) => {
    eventListeners.add(fn);
    return () => eventListeners.delete(fn);
  },
  onState: (fn: (s: State) => void) => {
    stateListeners.add(fn);
    return () => stateListeners.delete(fn);
  },
  state: () => state,
  pageImageUrl: (pageId: string, width: number) => pageImageUrl(String(pageId), Number(width)),
  pathForFile: (file: File) => webUtils.getPathForFile(file),
} satisfies PreloadStation;

contextBridge.exposeInMainWorld('station', station);
