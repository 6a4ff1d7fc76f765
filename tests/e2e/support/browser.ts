import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import sharp from 'sharp';
import { build } from 'vite';
import { ROOT } from '../../helpers/cli';

/** Debian's Chromium, headless, with the flags of docs/testing (root needs --no-sandbox). */
export const CHROMIUM = process.env.SOHOA_CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
export const VIEWPORT = { width: 1366, height: 860 };
/** The usual counter screen (a 1366×768 laptop or monitor) and a full-HD one. */
export const COUNTER_VIEWPORT = { width: 1366, height: 768 };
export const FULL_HD_VIEWPORT = { width: 1920, height: 1080 };
export const SCREENSHOT_DIR = join(ROOT, 'tests', 'e2e', 'screenshots');

/** Builds the renderer into a fresh directory (what `sohoa serve --ui-dir` then serves). */
export async function buildUi(outDir: string): Promise<void> {
  await build({
    configFile: join(ROOT, 'renderer', 'vite.config.ts'),
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true },
  });
}

export interface Browser {
  context: BrowserContext;
  page: Page;
  /** Console errors and uncaught page errors seen so far (a test asserts there are none). */
  errors: string[];
  close(): Promise<void>;
}

/** A Chromium with its own fresh --user-data-dir, deleted on close. */
export async function openBrowser(opts: { viewport?: { width: number; height: number }; locale?: string } = {}): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'sohoa-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_FLAGS.filter((f) => f !== '--headless'),
    viewport: opts.viewport ?? VIEWPORT,
    locale: opts.locale ?? 'vi-VN',
    timezoneId: 'Asia/Ho_Chi_Minh',
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    // A dropped service is expected in the reconnect test: the browser logs the failed socket/fetch itself.
    if (m.type() === 'error' && !/ERR_CONNECTION_REFUSED|WebSocket connection|Failed to load resource/.test(m.text())) errors.push(`console: ${m.text()}`);
  });
  return {
    context,
    page,
    errors,
    close: async () => {
      await context.close().catch(() => undefined);
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * Saves a screenshot under tests/e2e/screenshots/ (git-ignored, rewritten every run) and checks it: at
 * least 1280×800 and not blank (the pixels vary: a white or single-colour frame has ~zero deviation).
 */
export async function screenshot(page: Page, name: string): Promise<{ file: string; width: number; height: number; stdev: number }> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: false });
  const meta = await sharp(file).metadata();
  const stats = await sharp(file).stats();
  const stdev = Math.max(...stats.channels.slice(0, 3).map((c) => c.stdev));
  return { file, width: meta.width ?? 0, height: meta.height ?? 0, stdev };
}
