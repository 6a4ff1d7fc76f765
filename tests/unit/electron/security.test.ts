import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  CONTENT_SECURITY_POLICY,
  WEB_PREFERENCES,
  allowPermission,
  isAllowedNavigation,
  isTrustedSender,
  parsePageImageUrl,
  resolveAppFile,
} from '../../../electron/main/security';
import { ROOT } from '../../helpers/cli';
import { checkElectronSource, parseCsp, requiredCalls } from './checker';

const MAIN = join(ROOT, 'electron/main/main.ts');

describe('Electron configuration security check (runs in scripts/test)', () => {
  it('finds nothing wrong in the shell: every BrowserWindow uses the audited webPreferences, every IPC handler checks its sender', () => {
    for (const f of ['electron/main/main.ts', 'electron/main/serviceHost.ts', 'electron/main/security.ts', 'electron/preload/preload.ts']) {
      expect(checkElectronSource(join(ROOT, f)), f).toEqual([]);
    }
    const text = readFileSync(MAIN, 'utf8');
    expect(text).toMatch(/new BrowserWindow\(/);
    expect(text).toMatch(/ipcMain\.handle\(/);
  });

  it('catches nodeIntegration: true next to sandbox (the gap electronegativity leaves), overrides, a missing webPreferences, an unguarded IPC handler and remote content', () => {
    const findings = checkElectronSource(join(ROOT, 'tests/fixtures/electron/insecure-main.ts'));
    const messages = findings.map((f) => `${f.line}: ${f.message}`);
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^7: nodeIntegration must be false/),
        expect.stringMatching(/^7: webPreferences must spread WEB_PREFERENCES/),
        expect.stringMatching(/^8: contextIsolation must be true/),
        expect.stringMatching(/^8: webPreferences\.contextIsolation overrides/),
        expect.stringMatching(/^9: new BrowserWindow\(…\) must pass webPreferences/),
        expect.stringMatching(/^10: ipcMain\.handle handler must be wrapped in guarded/),
        expect.stringMatching(/^11: loadURL must load APP_ENTRY/),
      ]),
    );
  });

  it('audited webPreferences: context isolation, sandbox, no Node anywhere, web security on', () => {
    expect(WEB_PREFERENCES).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
  });

  it('main.ts blocks navigation and new windows, refuses webviews and permissions, sandboxes, locks to one instance', () => {
    const missing = Object.entries(requiredCalls(readFileSync(MAIN, 'utf8')))
      .filter(([, ok]) => !ok)
      .map(([name]) => name);
    expect(missing).toEqual([]);
    for (const p of ['media', 'geolocation', 'notifications', 'clipboard-read', 'hid', 'serial', 'openExternal']) expect(allowPermission(p)).toBe(false);
  });

  it('the CSP allows only the app itself: no inline or eval script, no remote source, no plugins, no framing', () => {
    const csp = parseCsp(CONTENT_SECURITY_POLICY);
    expect(csp.get('default-src')).toEqual(["'none'"]);
    expect(csp.get('script-src')).toEqual(["'self'"]);
    expect(csp.get('style-src')).toEqual(["'self'"]);
    expect(csp.get('object-src')).toEqual(["'none'"]);
    expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
    expect(csp.get('base-uri')).toEqual(["'none'"]);
    expect(csp.get('connect-src')).toEqual(["'none'"]);
    for (const [name, values] of csp) {
      for (const v of values) expect(v, `${name} ${v}`).not.toMatch(/^(\*|https?:|'unsafe-inline'|'unsafe-eval'|file:|ws:)/);
    }
    // The page's own meta CSP (also in force in a browser) forbids inline and eval script too.
    const html = readFileSync(join(ROOT, 'renderer/index.html'), 'utf8');
    const meta = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1] ?? '';
    expect(parseCsp(meta).get('script-src')).toEqual(["'self'"]);
    expect(parseCsp(meta).get('object-src')).toEqual(["'none'"]);
  });

  it('IPC sender check: only the app origin in a top frame', () => {
    expect(isTrustedSender({ url: 'station-app://ui/index.html', isMainFrame: true })).toBe(true);
    expect(isTrustedSender({ url: 'station-app://ui/index.html', isMainFrame: false })).toBe(false);
    expect(isTrustedSender({ url: 'https://evil.example/', isMainFrame: true })).toBe(false);
    expect(isTrustedSender({ url: 'file:///etc/passwd', isMainFrame: true })).toBe(false);
    expect(isTrustedSender({ url: 'station-app://evil/index.html', isMainFrame: true })).toBe(false);
    expect(isTrustedSender({ url: 'station-app://user:pw@ui/', isMainFrame: true })).toBe(false);
    expect(isTrustedSender(null)).toBe(false);
  });

  it('navigation stays inside the app', () => {
    expect(isAllowedNavigation('station-app://ui/index.html#x')).toBe(true);
    for (const u of ['https://evil.example/', 'http://127.0.0.1:8080/', 'file:///C:/Windows/', 'javascript:alert(1)', 'station-page://page/01ARZ3NDEKTSV4RRFFQ69G5FAV', 'not a url'])
      expect(isAllowedNavigation(u), u).toBe(false);
  });

  it('page images take ids only: paths, traversal, other hosts and silly widths are refused', () => {
    expect(parsePageImageUrl('station-page://page/01ARZ3NDEKTSV4RRFFQ69G5FAV?w=240')).toEqual({ pageId: '01ARZ3NDEKTSV4RRFFQ69G5FAV', width: 240 });
    for (const u of [
      'station-page://page/../../etc/passwd',
      'station-page://page/%2e%2e%2fstation.db',
      'station-page://page/01ARZ3NDEKTSV4RRFFQ69G5FAV/../x',
      'station-page://file/01ARZ3NDEKTSV4RRFFQ69G5FAV',
      'station-page://page/C:%5Cdata%5Cblob',
      'station-page://page/01ARZ3NDEKTSV4RRFFQ69G5FAV?w=99999',
      'file:///01ARZ3NDEKTSV4RRFFQ69G5FAV',
    ])
      expect(parsePageImageUrl(u), u).toBeNull();
  });

  it('the app protocol serves files of the renderer folder only', () => {
    const root = '/opt/sohoa/renderer';
    expect(resolveAppFile(root, 'station-app://ui/')).toEqual({ file: '/opt/sohoa/renderer/index.html', type: 'text/html; charset=utf-8' });
    expect(resolveAppFile(root, 'station-app://ui/assets/index-abc.js')?.file).toBe('/opt/sohoa/renderer/assets/index-abc.js');
    for (const u of ['station-app://ui/../station.db', 'station-app://ui/a%00.js', 'station-app://other/index.html', 'station-app://ui/x.exe'])
      expect(resolveAppFile(root, u), u).toBeNull();
    // Encoded dot segments are resolved by the URL parser first: the result still lies inside the root.
    for (const u of ['station-app://ui/%2e%2e/%2e%2e/etc/passwd.js', 'station-app://ui/assets/%2E%2E/%2E%2E/%2E%2E/x.js', 'station-app://ui/..%2f..%2fx.js']) {
      const hit = resolveAppFile(root, u);
      expect(hit === null || hit.file.startsWith(`${root}/`), u).toBe(true);
    }
  });
});
