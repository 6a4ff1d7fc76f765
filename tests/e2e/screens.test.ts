import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { api, startService, type RunningService } from '../helpers/cli';
import { tempDir } from '../helpers/tmp';
import { buildUi, openBrowser, screenshot, type Browser } from './support/browser';
import { buildHarness } from './support/harness';
import { eventually, DEMO, signInUi } from './support/station';

const vi = (await import('../../renderer/i18n/vi.json', { with: { type: 'json' } })).default as Record<string, string>;
const en = (await import('../../renderer/i18n/en.json', { with: { type: 'json' } })).default as Record<string, string>;

/** A fixed bridge token so a restarted service accepts the open page again (SOHOA_BRIDGE_TOKEN). */
const TOKEN = 'e2e-screens-token-0123456789abcdefghijklmnop';

/** Controls without an accessible name (a label, aria-label/labelledby or text) on the visible screen. */
async function unnamedControls(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const doc = (globalThis as unknown as { document: { querySelectorAll(s: string): ArrayLike<unknown> } }).document;
    type El = { tagName: string; outerHTML: string; textContent: string | null; getAttribute(n: string): string | null; labels?: ArrayLike<unknown> | null; offsetParent: unknown };
    const els = Array.from(doc.querySelectorAll('button, input, select, textarea, [role=tab], [role=option], [tabindex="0"]')) as El[];
    return els
      .filter((e) => e.offsetParent !== null && e.getAttribute('type') !== 'hidden')
      .filter((e) => !(e.getAttribute('aria-label') || e.getAttribute('aria-labelledby') || (e.labels && e.labels.length > 0) || (e.textContent ?? '').trim() !== ''))
      .map((e) => e.outerHTML.slice(0, 120));
  });
}

async function expectShot(page: Page, name: string): Promise<void> {
  const s = await screenshot(page, name);
  expect(s.width, `${name} width`).toBeGreaterThanOrEqual(1280);
  expect(s.height, `${name} height`).toBeGreaterThanOrEqual(800);
  expect(s.stdev, `${name} is not blank`).toBeGreaterThan(10);
}

describe('counter UI in Chromium against `sohoa serve --demo`', () => {
  let svc: RunningService;
  let browser: Browser;
  let dataDir: string;
  let uiDir: string;
  const env = { SOHOA_BRIDGE_TOKEN: TOKEN, TZ: 'Asia/Ho_Chi_Minh' };

  beforeAll(async () => {
    uiDir = tempDir('sohoa-ui-', { scope: 'file' });
    dataDir = tempDir('sohoa-e2e-screens-', { scope: 'file' });
    await buildUi(uiDir);
    svc = await startService(dataDir, ['--demo', '--ui-dir', uiDir], env);
    browser = await openBrowser();
    await browser.page.goto(`${svc.url}#token=${svc.token}`);
    await signInUi(browser.page, DEMO.admin);
    await browser.page.getByTestId('service-state').and(browser.page.locator('[data-state="online"]')).waitFor();
  });
  afterAll(async () => {
    await browser?.close();
    await svc?.stop();
  });

  it('takes the token from the URL fragment and removes it from the address bar', async () => {
    const { page } = browser;
    expect(page.url()).not.toContain('token');
    expect(page.url()).not.toContain(TOKEN);
    await expect(page.getByTestId('station-name').textContent()).resolves.toMatch(/ST[0-9A-Z]+/);
  });

  it('shows each main screen in Vietnamese and saves a non-blank screenshot of at least 1280×800', async () => {
    const { page } = browser;
    await expect(page.locator('html').getAttribute('lang')).resolves.toBe('vi');
    await expect(page.getByRole('heading', { level: 1 }).first().textContent()).resolves.toBe(vi['intake.title']);
    await expectShot(page, '01-intake-procedure');
    await expect(unnamedControls(page)).resolves.toEqual([]);
    const screens: [string, string, string][] = [
      ['Alt+2', 'results.title', '02-results'],
      ['Alt+3', 'queue.title', '03-queue'],
      ['Alt+4', 'reports.title', '04-reports'],
      ['Alt+5', 'settings.title', '05-settings'],
    ];
    for (const [keys, title, name] of screens) {
      await page.keyboard.press(keys);
      await eventually(() => page.locator('h1:visible').textContent()).toBe(vi[title]);
      await expectShot(page, name);
      await expect(unnamedControls(page), name).resolves.toEqual([]);
    }
    await page.keyboard.press('Alt+1');
    await eventually(() => page.locator('h1:visible').textContent()).toBe(vi['intake.title']);
  });

  it('walks the Settings tabs with the arrow keys, each tab showing its own panel with named controls', async () => {
    const { page } = browser;
    await page.keyboard.press('Alt+5');
    await page.getByTestId('settings-scanners').focus();
    const panel = page.getByRole('tabpanel');
    const tabs: [string, () => Promise<unknown>][] = [
      ['scanners', () => panel.getByTestId('settings-devices').waitFor()],
      ['certificates', () => panel.getByTestId('settings-certs').waitFor()],
      ['server', () => panel.getByTestId('settings-sync').waitFor()],
      ['storage', () => panel.getByLabel(vi['settings.retentionDays']!).waitFor()],
      ['accounts', () => panel.getByRole('heading').first().waitFor()],
    ];
    for (const [i, [id, shown]] of tabs.entries()) {
      if (i > 0) await page.keyboard.press('ArrowRight');
      await eventually(() => page.getByTestId(`settings-${id}`).getAttribute('aria-selected')).toBe('true');
      await eventually(() => panel.getAttribute('id')).toBe(`panel-${id}`);
      await shown();
      await expect(unnamedControls(page), id).resolves.toEqual([]);
    }
    // The admin-only forms carry the badge on every tab that has one.
    await page.keyboard.press('ArrowRight');
    await eventually(() => page.getByTestId('settings-scanners').getAttribute('aria-selected')).toBe('true');
    await page.keyboard.press('ArrowRight');
    await eventually(() => panel.getAttribute('id')).toBe('panel-certificates');
    await eventually(() => panel.getByText(vi['settings.adminBadge']!).count()).toBe(1);
    await page.keyboard.press('Alt+1');
  });

  it('switches to English with Alt+L and back, every label coming from the dictionaries', async () => {
    const { page } = browser;
    await page.keyboard.press('Alt+L');
    await eventually(() => page.locator('h1:visible').textContent()).toBe(en['intake.title']);
    await expect(page.getByTestId('nav-queue').textContent()).resolves.toContain(en['nav.queue']);
    await page.keyboard.press('Alt+L');
    await eventually(() => page.locator('h1:visible').textContent()).toBe(vi['intake.title']);
  });

  it('Enter pressed before the search has answered chooses from that answer, not from the list shown before', async () => {
    const { page } = browser;
    const screen = page.getByTestId('screen-intake');
    // The whole catalogue is shown; the search is for its second entry (Enter on the old list takes the first).
    const options = screen.getByTestId('procedure-option');
    await eventually(() => options.count(), { timeout: 20_000 }).toBeGreaterThan(1);
    const target = (await options.nth(1).getAttribute('data-code'))!;
    await expect(options.first().getAttribute('data-code')).resolves.not.toBe(target);
    // The search's answer is held (renderer/harness/holdAnswers.ts) until after Enter: a busy machine's order.
    await page.evaluate(await buildHarness('holdAnswers.ts'));
    await page.evaluate("window.harness.holdAnswers(['procedures.list'])");
    await screen.getByTestId('procedure-search').fill(target);
    await page.keyboard.press('Enter');
    await eventually(() => page.evaluate<number>('window.harness.held.held')).toBeGreaterThanOrEqual(1);
    await page.evaluate('window.harness.release()');
    await screen.getByTestId('owner-id').waitFor({ timeout: 20_000 });
    await expect(screen.locator('.chosen .code').textContent()).resolves.toBe(target);
    await page.keyboard.press('Alt+N');
    await screen.getByTestId('procedure-search').waitFor();
  });

  it('creates a dossier by keyboard only: search by code, Enter, CCCD checked as typed, Ctrl+Enter', async () => {
    const { page } = browser;
    const screen = page.getByTestId('screen-intake');
    await screen.getByTestId('procedure-search').fill('1.001193');
    await eventually(() => screen.getByTestId('procedure-option').count()).toBe(1);
    await page.keyboard.press('Enter');
    const id = screen.getByTestId('owner-id');
    await id.focus();
    await page.keyboard.type('999099012345'); // province 999 does not exist
    // The check says what is wrong (the province code), not just "invalid".
    await eventually(() => screen.getByTestId('owner-id-check').textContent()).toBe(vi['owner.bad.province']!.replace('{code}', '999'));
    await expect(screen.getByTestId('create-dossier').isDisabled()).resolves.toBe(true);
    await id.fill('001099012345');
    await eventually(() => screen.getByTestId('owner-id-check').textContent()).toContain('Hà Nội');
    await expectShot(page, '06-intake-owner');
    await page.keyboard.press('Control+Enter');
    await screen.getByTestId('dossier').waitFor();
    await expect(screen.getByTestId('component').count()).resolves.toBeGreaterThan(0);
    await expectShot(page, '07-intake-dossier');
    await expect(unnamedControls(page)).resolves.toEqual([]);
  });

  it('digitises results (kết quả) with the same flow: result components only', async () => {
    const { page } = browser;
    await page.keyboard.press('Alt+2');
    const screen = page.getByTestId('screen-result');
    await screen.getByTestId('procedure-search').fill('1.001193');
    await eventually(() => screen.getByTestId('procedure-option').count()).toBe(1);
    await screen.getByTestId('procedure-search').press('Enter');
    await screen.getByTestId('owner-id').fill('001099012345');
    await screen.getByTestId('owner-id').press('Control+Enter');
    await screen.getByTestId('dossier').waitFor();
    await eventually(() => screen.getByTestId('component').count()).toBeGreaterThan(0);
    const dossierId = await screen.getByTestId('dossier').getAttribute('data-id');
    const d = (await api(svc, 'dossiers.get', { id: dossierId })).body as { value: { purpose: string; components: { id: string; kind: string }[] } };
    expect(d.value.purpose).toBe('result');
    const shown = await screen.getByTestId('component').count();
    expect(shown).toBe(d.value.components.filter((c) => c.kind === 'result').length);
    await eventually(() => screen.getByTestId('scan-device').inputValue(), { timeout: 30_000 }).toBe('sane:test:0');
    await expectShot(page, '07b-results-dossier');
    await page.keyboard.press('Alt+1');
  });

  it('shows a name with markup, an RTL override and 300 characters as text, inside its box', async () => {
    const { page } = browser;
    // A fresh intake: reload the page (the token survives in this tab's session storage only).
    await page.reload();
    const screen = page.getByTestId('screen-intake');
    await screen.getByTestId('procedure-search').fill('khai sinh');
    await eventually(() => screen.getByTestId('procedure-option').first().textContent()).toContain('khai sinh');
    await page.keyboard.press('Enter');
    const hostile = `<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">\u202Eevil.exe ${'Nguyễn Thị Hồng Nhung '.repeat(14)}`.slice(0, 300);
    expect(hostile).toHaveLength(300);
    await screen.getByTestId('owner-id').fill('079199012345');
    await screen.getByTestId('owner-name').fill(hostile);
    await screen.getByTestId('create-dossier').click();
    const shown = screen.getByTestId('dossier-owner-name');
    await shown.waitFor();
    await expect(shown.textContent()).resolves.toBe(hostile);
    await expect(page.evaluate(() => (globalThis as unknown as { __pwned?: number }).__pwned)).resolves.toBeUndefined();
    await expect(page.locator('script:not([src])').count()).resolves.toBe(0);
    // The name stays inside the checklist column: its box is no wider than the column.
    const box = await shown.boundingBox();
    const column = await screen.locator('.checklist').boundingBox();
    expect(box && column && box.x + box.width <= column.x + column.width + 1).toBe(true);
    await expectShot(page, '08-hostile-name');
  });

  it('says so when the service stops, keeps the pressed action and does it once after the restart, then shows the true state', async () => {
    const { page } = browser;
    // A clerk is about to create a dossier…
    await page.reload();
    const screen = page.getByTestId('screen-intake');
    await screen.getByTestId('procedure-search').fill('1.001193');
    await eventually(() => screen.getByTestId('procedure-option').count()).toBe(1);
    await page.keyboard.press('Enter');
    await screen.getByTestId('owner-id').fill('001199054321');
    // …when the service stops.
    const port = svc.port;
    await svc.stop();
    const banner = page.getByTestId('conn-banner');
    await banner.waitFor({ timeout: 15_000 });
    await expect(banner.textContent()).resolves.toContain('Mất kết nối');
    await expectShot(page, '09-reconnecting');
    // The clerk presses Create (twice) while it is down: the action waits and retries with its key.
    await page.keyboard.press('Control+Enter');
    await page.keyboard.press('Control+Enter');
    await eventually(() => screen.getByTestId('create-dossier').isDisabled()).toBe(true);
    svc = await startService(dataDir, ['--demo', '--ui-dir', uiDir, '--port', String(port)], env);
    // Meanwhile another client creates a dossier: the page must show it after reconnecting (true state).
    const created = await api(svc, 'dossiers.create', { procedureCode: '1.000656', ownerId: '001099012345', ownerName: 'Trần Văn Bình', idempotencyKey: 'e2e-reconnect-0001' });
    expect(created.status).toBe(200);
    await banner.waitFor({ state: 'detached', timeout: 20_000 });
    await expect(page.getByTestId('service-state').getAttribute('data-state')).resolves.toBe('online');
    await screen.getByTestId('dossier').waitFor({ timeout: 70_000 });
    const list = (await api(svc, 'dossiers.list', { limit: 100 })).body as { value: { ownerId: string }[] };
    expect(list.value.filter((d) => d.ownerId === '001199054321')).toHaveLength(1);
    await page.keyboard.press('Alt+4');
    await eventually(() => page.getByTestId('report-table').textContent(), { timeout: 10_000 }).toContain('1.000656');
    expect(browser.errors).toEqual([]);
  });
});
