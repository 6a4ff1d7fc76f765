// Electron main process: thin shell (the UI issue completes it: utilityProcess service, protocol, IPC checks).
import { app, BrowserWindow } from 'electron';
import { join } from 'node:path';

export const WEB_PREFERENCES = {
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  spellcheck: false,
} as const;

function createWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1366,
    height: 860,
    show: false,
    webPreferences: { ...WEB_PREFERENCES, preload: join(__dirname, '../preload/preload.js') },
  });
  win.once('ready-to-show', () => win.show());
  void win.loadFile(join(__dirname, '../../renderer/index.html'));
  return win;
}

if (!app.requestSingleInstanceLock()) app.quit();
else void app.whenReady().then(createWindow);
