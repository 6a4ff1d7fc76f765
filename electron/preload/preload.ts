// Preload: exposes exactly one typed object, window.station, built from StationApi's method list.
import { contextBridge, ipcRenderer } from 'electron';
import type { MethodName, ParamsOf, StationClient } from '../common/api';

const station: StationClient = {
  call: (method: MethodName, params: ParamsOf<MethodName>) => ipcRenderer.invoke('station:call', method, params),
} as StationClient;

contextBridge.exposeInMainWorld('station', station);
