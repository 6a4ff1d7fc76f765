import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { openBrowser, type Browser } from './support/browser';
import { eventually } from './support/station';

// Regression for a CI failure: Alt+K was ignored just after the Sign button became enabled, because the
// window listener was re-registered in a passive effect and still held the previous render's state.
describe('keyboard shortcuts in real Chromium (useKeydown)', () => {
  let browser: Browser;
  let script: string;
  const dir = mkdtempSync(join(tmpdir(), 'sohoa-keydown-'));

  beforeAll(async () => {
    const out = join(dir, 'harness.js');
    await build({ entryPoints: [join(__dirname, '..', '..', 'renderer', 'harness', 'keydown.tsx')], bundle: true, outfile: out, format: 'iife', jsx: 'automatic', define: { 'process.env.NODE_ENV': '"production"' }, logLevel: 'silent' });
    script = readFileSync(out, 'utf8');
    browser = await openBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a shortcut pressed in the same task that shows its button enabled sees the enabled state', async () => {
    const { page } = browser;
    await page.setContent('<div id="root"></div>');
    await page.addScriptTag({ content: script });
    // The harness presses Alt+K in the task that first shows the button enabled; the handler must see it enabled.
    await eventually(() => page.evaluate<boolean[]>('window.harness.pressed'), { timeout: 30_000 }).toEqual([true]);
  });
});
