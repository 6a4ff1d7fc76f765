// Electron main process: a thin shell. One window; the renderer is sandboxed (security.ts holds every
// setting, checked by tests/unit/electron/security.test.ts); the station service runs as a utilityProcess.
import { app, BrowserWindow, ipcMain, protocol, session, type IpcMainInvokeEvent, type WebContents } from 'electron';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  APP_ENTRY,
  APP_SCHEME,
  IPC,
  firstRunEntry,
  PAGE_SCHEME,
  RESPONSE_HEADERS,
  WEB_PREFERENCES,
  WINDOW_OPTIONS,
  allowPermission,
  isAllowedNavigation,
  isTrustedSender,
  parsePageImageUrl,
  resolveAppFile,
} from './security';
import { ServiceHost } from './serviceHost';

const RENDERER_DIR = join(__dirname, '../../renderer');
// ESM (the core finds migrations/ and resources/ through import.meta.url, three folders up = the app root).
const SERVICE_ENTRY = join(__dirname, 'serviceProcess.mjs');

protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  { scheme: PAGE_SCHEME, privileges: { standard: true, secure: true } },
]);
app.enableSandbox();

let win: BrowserWindow | null = null;
// glibc tunables must be in the service's environment at its start: libvips' worker threads otherwise each keep a
// malloc arena and a 1 000-page assembly peaks above the 300 MB budget (docs/pdf.md, Memory).
// The packaged TWAIN helpers and the WIA script ship as extra resources (electron-builder.yml, win.extraResources).
const helpers = app.isPackaged ? { SOHOA_WINDOWS_HELPERS_DIR: join(process.resourcesPath, 'windows-helpers') } : {};
const service = new ServiceHost(SERVICE_ENTRY, { MALLOC_ARENA_MAX: '2', MALLOC_TRIM_THRESHOLD_: '1048576', ...helpers, ...process.env });

function createWindow(): BrowserWindow {
  const w = new BrowserWindow({
    ...WINDOW_OPTIONS,
    webPreferences: { ...WEB_PREFERENCES, preload: join(__dirname, '../preload/preload.js') },
  });
  w.once('ready-to-show', () => w.show());
  void w.loadURL(APP_ENTRY);
  return w;
}

function refuse(status: number): Response {
  return new Response(null, { status, headers: RESPONSE_HEADERS });
}

/** Hardening applied to every web contents the app ever creates (windows, and anything they try to open). */
function harden(contents: WebContents): void {
  contents.on('will-navigate', (e, url) => {
    if (!isAllowedNavigation(url)) e.preventDefault();
  });
  contents.on('will-redirect', (e, url) => {
    if (!isAllowedNavigation(url)) e.preventDefault();
  });
  contents.on('will-attach-webview', (e) => e.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}

/** Every IPC handler goes through this: the sender frame must be our app's top frame. */
function guarded<A extends unknown[], R>(fn: (...args: A) => R | Promise<R>) {
  return (e: IpcMainInvokeEvent, ...args: A): R | Promise<R> => {
    if (!isTrustedSender(e.senderFrame ? { url: e.senderFrame.url, isMainFrame: e.senderFrame === e.sender.mainFrame } : null)) {
      throw new Error('IPC refused: untrusted sender');
    }
    return fn(...args);
  };
}

async function ready(): Promise<void> {
  session.defaultSession.setPermissionRequestHandler((_wc, permission, cb) => cb(allowPermission(permission)));
  session.defaultSession.setPermissionCheckHandler((_wc, permission) => allowPermission(permission));
  // No remote content: the window loads only station-app: and station-page: (the service is reached over IPC).
  session.defaultSession.webRequest.onBeforeRequest({ urls: ['http://*/*', 'https://*/*', 'ws://*/*', 'wss://*/*', 'file://*/*'] }, (_details, cb) => cb({ cancel: true }));

  protocol.handle(APP_SCHEME, async (req) => {
    const hit = resolveAppFile(RENDERER_DIR, req.url);
    if (!hit) return refuse(404);
    // Read directly (not net.fetch of a file: URL, which the no-remote-content filter below cancels).
    try {
      return new Response(await readFile(hit.file), { status: 200, headers: { ...RESPONSE_HEADERS, 'Content-Type': hit.type } });
    } catch {
      return refuse(404);
    }
  });
  let windowSession: string | null = null;
  protocol.handle(PAGE_SCHEME, async (req) => {
    const p = parsePageImageUrl(req.url);
    if (!p) return refuse(400);
    const img = await service.image(p.pageId, p.width, windowSession);
    if ('code' in img) return refuse(img.code === 'NOT_FOUND' ? 404 : 503);
    return new Response(Buffer.from(img.bytes), { status: 200, headers: { ...RESPONSE_HEADERS, 'Content-Type': img.mediaType } });
  });

  ipcMain.handle(
    IPC.call,
    guarded((method: unknown, params: unknown, session: unknown) => {
      if (typeof method !== 'string') return { ok: false, error: { code: 'INVALID_REQUEST', message: 'method must be a string' } };
      // The window's current session also authorises its station-page: images (an <img> cannot send a header).
      windowSession = typeof session === 'string' ? session : null;
      return service.call(method, params, windowSession);
    }),
  );
  ipcMain.handle(
    IPC.state,
    guarded(() => service.state),
  );
  service.on('event', (ev) => win?.webContents.send(IPC.event, ev));
  service.on('state', (s) => win?.webContents.send(IPC.stateChanged, s));
  // First run: the window itself opens the setup screen (the code is never shown or typed).
  service.on('ready', ({ setupCode }: { setupCode: string | null }) => {
    if (win && setupCode) void win.loadURL(firstRunEntry(setupCode));
  });
  service.start();
  win = createWindow();
  win.on('closed', () => (win = null));
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    if (win) {
      if (win.isMinimized()) win.restore();
      win.focus();
    }
  });
  app.on('web-contents-created', (_e, contents) => harden(contents));
  app.on('window-all-closed', () => app.quit());
  let stopped = false;
  app.on('before-quit', (e) => {
    if (stopped) return;
    e.preventDefault();
    void service.stop().then(() => {
      stopped = true;
      app.quit();
    });
  });
  void app.whenReady().then(ready);
}
