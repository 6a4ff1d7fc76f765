import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBrowser, type Browser } from './support/browser';
import { buildHarness } from './support/harness';
import { eventually } from './support/station';

// Regressions for CI failures: Alt+K was ignored just after the Sign button became enabled, because the
// window listener was re-registered in a passive effect and still held the previous render's state; and a
// listener registered in a passive effect missed a key pressed as soon as its part was on screen.
describe('keyboard shortcuts in real Chromium (useKeydown)', () => {
  let browser: Browser;
  let script: string;

  beforeAll(async () => {
    script = await buildHarness('keydown.tsx');
    browser = await openBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  /**
   * A page of its own for each test. setContent keeps the window, its timers and the previous harness's
   * MutationObserver: the first test's observer, still waiting for its part, once saw the second test's part
   * and pressed Alt+J a second time (heard 2 instead of 1, CI on a busy machine).
   */
  async function harnessPage(): Promise<Page> {
    const page = await browser.context.newPage();
    await page.setContent('<div id="root"></div>');
    await page.addScriptTag({ content: script });
    return page;
  }

  it('a shortcut pressed in the same task that shows its button enabled sees the enabled state', async () => {
    const page = await harnessPage();
    // The harness presses Alt+K in the task that first shows the button enabled; the handler must see it enabled.
    await eventually(() => page.evaluate<boolean[]>('window.harness.pressed'), { timeout: 30_000 }).toEqual([true]);
  });

  it('a shortcut pressed in the task that first shows its part reaches that part', async () => {
    const page = await harnessPage();
    // The harness presses Alt+J in the task that first shows the part (mounted by a timer, not by input).
    await eventually(() => page.evaluate<boolean>('window.harness.appeared.sent'), { timeout: 30_000 }).toBe(true);
    await expect(page.evaluate<number>('window.harness.appeared.heard')).resolves.toBe(1);
  });
});
