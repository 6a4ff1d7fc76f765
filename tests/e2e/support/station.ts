import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { screenshot } from './browser';

/** Scan profiles for a test run (SOHOA_PROFILES_DIR): the test backend's pictures chosen by profile option. */
export function writeProfiles(dir: string, profiles: Record<string, unknown>[]): string {
  mkdirSync(dir, { recursive: true });
  for (const p of profiles) writeFileSync(join(dir, `${String(p.name)}.json`), JSON.stringify(p, null, 2));
  return dir;
}

export async function expectShot(page: Page, name: string): Promise<void> {
  const s = await screenshot(page, name);
  expect(s.width, `${name} width`).toBeGreaterThanOrEqual(1280);
  expect(s.height, `${name} height`).toBeGreaterThanOrEqual(800);
  expect(s.stdev, `${name} is not blank`).toBeGreaterThan(10);
}

/** A screenshot at the size the page has now, checked not blank (the 1366×768 counter screen is below expectShot's 800). */
export async function expectViewportShot(page: Page, name: string): Promise<void> {
  const s = await screenshot(page, name);
  const v = page.viewportSize()!;
  expect({ width: s.width, height: s.height }, name).toEqual(v);
  expect(s.stdev, `${name} is not blank`).toBeGreaterThan(10);
}

/** The capture sequence numbers of the pages shown, in display order. */
export async function shownSeqs(page: Page): Promise<number[]> {
  const scope = page.locator('[data-testid=screen-intake] [data-testid=page]');
  return (await scope.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-seq'))))) as number[];
}

/** expect.poll with a timeout fit for a loaded 2-core machine (15 s unless given). */
export function eventually<T>(fn: () => T | Promise<T>, opts: { timeout?: number } = {}) {
  return expect.poll(fn, { interval: 100, timeout: opts.timeout ?? 15_000 });
}

/** Demo mode's accounts (README, docs/accounts.md): the e2e tests sign in as a real clerk through the UI. */
export const DEMO = {
  admin: { username: 'quantri', password: 'demo-quantri' },
  clerk: { username: 'canbo', password: 'demo-canbo1' },
  records: { username: 'vanthu', password: 'demo-vanthu' },
} as const;

/** Signs in on the sign-in screen and waits for the station's header to name the clerk. */
export async function signInUi(page: Page, who: { username: string; password: string } = DEMO.clerk): Promise<void> {
  const form = page.getByTestId('sign-in');
  await form.waitFor({ timeout: 30_000 });
  await form.getByTestId('sign-in-username').fill(who.username);
  await form.getByTestId('sign-in-password').fill(who.password);
  await form.getByTestId('sign-in-submit').click();
  // Signed in: the station's header, or — for a temporary password — only the dialog that sets a new one.
  await page.locator('[data-testid=session-user], [data-testid=change-password]').first().waitFor({ timeout: 30_000 });
}
