/**
 * The Electron shell's security settings, as data and pure functions (no `electron` import) so unit tests
 * and the configuration check (tests/unit/electron/security.test.ts) assert exactly what main.ts uses.
 */
import { isAbsolute, normalize, relative, resolve, sep } from 'node:path';
import { PAGE_SCHEME } from './channels';
import { UI_CONTENT_TYPES } from '../common/contentTypes';

export { IPC, PAGE_SCHEME, pageImageUrl } from './channels';

/** The renderer's own files: station-app://ui/index.html (a standard, secure scheme: 'self' works). */
export const APP_SCHEME = 'station-app';
export const APP_HOST = 'ui';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY = `${APP_ORIGIN}/index.html`;

/** Every BrowserWindow's webPreferences (main.ts spreads exactly this object, adding only `preload`). */
export const WEB_PREFERENCES = {
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  nodeIntegrationInWorker: false,
  nodeIntegrationInSubFrames: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  webviewTag: false,
  experimentalFeatures: false,
  navigateOnDragDrop: false,
  safeDialogs: true,
  spellcheck: false,
  devTools: false,
} as const;

export const WINDOW_OPTIONS = {
  width: 1366,
  height: 860,
  minWidth: 1280,
  minHeight: 800,
  show: false,
  autoHideMenuBar: true,
  backgroundColor: '#f4f6f8',
} as const;

/** Strict CSP for everything the shell serves: only its own scripts/styles, images from itself and by page id. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  `img-src 'self' ${PAGE_SCHEME}: blob: data:`,
  "font-src 'self'",
  "connect-src 'none'",
  "media-src 'none'",
  "object-src 'none'",
  "frame-src 'none'",
  "worker-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * What the window loads when the service reports a first run (no admin yet): the app with the one-time
 * setup code in the fragment, where the renderer's session gate reads it (`#setup=CODE`, as in the setup
 * link `sohoa serve` prints) and shows the form creating the admin. The query makes it a new document, so
 * the gate mounts again and reads it even though the window already shows the app.
 */
export function firstRunEntry(setupCode: string): string {
  return `${APP_ENTRY}?first-run=1#setup=${encodeURIComponent(setupCode)}`;
}

/** Headers on every response of the app and page protocols. */
export const RESPONSE_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
};

function parse(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/** True for the shell's own UI origin only. */
export function isAppUrl(url: string): boolean {
  const u = parse(url);
  return u !== null && u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST && u.username === '' && u.password === '';
}

/** Navigation is allowed only within the app (e.g. a reload); anything else (http, file, javascript…) is blocked. */
export function isAllowedNavigation(url: string): boolean {
  return isAppUrl(url);
}

/**
 * IPC sender check: the message must come from a frame showing the app's own origin, and from the top
 * frame of one of our windows (`isMainFrame`), never from an iframe or a navigated-away page.
 */
export function isTrustedSender(frame: { url: string; isMainFrame?: boolean } | null | undefined): boolean {
  if (!frame) return false;
  if (frame.isMainFrame === false) return false;
  return isAppUrl(frame.url);
}

export const PAGE_ID_PATTERN = /^[0-9A-HJKMNP-TV-Z]{26}$/;

/** station-page://page/<ULID>?w=N → ids only; any path, traversal or other host is refused (null). */
export function parsePageImageUrl(url: string): { pageId: string; width: number } | null {
  const u = parse(url);
  if (!u || u.protocol !== `${PAGE_SCHEME}:` || u.host !== 'page') return null;
  const m = /^\/([0-9A-HJKMNP-TV-Z]{26})$/.exec(u.pathname);
  if (!m) return null;
  const w = Number(u.searchParams.get('w') ?? '240');
  if (!Number.isInteger(w) || w < 32 || w > 2000) return null;
  return { pageId: m[1]!, width: w };
}


/** station-app://ui/<path> → a file under `root`, or null (other origin, traversal, unknown type). */
export function resolveAppFile(root: string, url: string): { file: string; type: string } | null {
  if (!isAppUrl(url)) return null;
  const u = new URL(url);
  let rel: string;
  try {
    rel = decodeURIComponent(u.pathname);
  } catch {
    return null;
  }
  if (rel === '/' || rel === '') rel = '/index.html';
  if (rel.includes('\0')) return null;
  const base = resolve(root);
  const file = normalize(resolve(base, '.' + rel));
  const r = relative(base, file);
  if (r === '' || r.startsWith('..') || isAbsolute(r) || r.split(sep).includes('..')) return null;
  const dot = file.lastIndexOf('.');
  const type = dot >= 0 ? UI_CONTENT_TYPES[file.slice(dot).toLowerCase()] : undefined;
  return type ? { file, type } : null;
}

/** No permission (camera, geolocation, notifications, HID, serial…) is ever granted to the renderer. */
export function allowPermission(_permission: string): boolean {
  return false;
}
