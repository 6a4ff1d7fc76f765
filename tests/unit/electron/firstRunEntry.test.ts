import { describe, expect, it } from 'vitest';
import { APP_ENTRY, firstRunEntry, isAllowedNavigation, resolveAppFile } from '../../../electron/main/security';
import { checkElectronSource } from './checker';

/**
 * The pure part of the Electron shell's first run: main.ts loads `firstRunEntry(ready.setupCode)` into the
 * window when the service reports a station without an admin. The Electron binary cannot run here, so the
 * window itself is not driven; the service half (the code in 'ready') runs for real in
 * tests/integration/electron/service.test.ts, and the setup form in the browser e2e.
 */
describe('first-run setup link of the Electron window (pure part; the Electron binary cannot run here)', () => {
  it("is the app's own entry, allowed by the navigation guard, with the code where the session gate reads it", () => {
    const code = 'Ab3-x_9/+=&setup=evil';
    const url = firstRunEntry(code);
    expect(url).not.toBe(APP_ENTRY); // a different document, so the gate mounts again and reads it
    expect(isAllowedNavigation(url)).toBe(true);
    expect(resolveAppFile('/opt/sohoa/renderer', url)?.file).toBe('/opt/sohoa/renderer/index.html');
    // As renderer/src/auth/SessionGate.tsx reads it: the fragment's `setup` parameter, exactly the code.
    const params = new URLSearchParams(new URL(url).hash.replace(/^#/, ''));
    expect(params.get('setup')).toBe(code);
    expect(params.getAll('setup')).toHaveLength(1);
  });

  it("the shell's audit accepts loadURL of this entry and still refuses any other URL", () => {
    const src = (arg: string) => `declare const win: { loadURL(u: string): void }; declare function firstRunEntry(c: string): string; win.loadURL(${arg});`;
    expect(checkElectronSource('main.ts', src("firstRunEntry('abc')"))).toEqual([]);
    expect(checkElectronSource('main.ts', src("'https://example.org/#setup=abc'")).map((f) => f.message)).toEqual(['loadURL must load APP_ENTRY (the app protocol) only']);
  });
});
