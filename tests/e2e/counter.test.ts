import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningService } from '../helpers/cli';
import type { TestToken } from '../signing-infra/softhsm';
import { COUNTER_VIEWPORT, FULL_HD_VIEWPORT, type Browser } from './support/browser';
import { DEMO, eventually, expectViewportShot, signInUi } from './support/station';
import { startUiStation, type UiStation } from './support/uiStation';

const CCCD = '079199012345';
const MARRIAGE = '1.000894';

const shot = expectViewportShot;

/** True when the element's box lies inside the viewport (no scrolling needed to see or press it). */
async function inViewport(page: Page, el: Locator): Promise<boolean> {
  const box = await el.boundingBox();
  const v = page.viewportSize()!;
  return box !== null && box.x >= 0 && box.y >= 0 && box.x + box.width <= v.width && box.y + box.height <= v.height;
}

/**
 * The counter as clerks work, at 1366×768 in Chromium against `sohoa serve --demo` (SANE test scanner,
 * SoftHSM token): half a dossier scanned, F5, resumed from "Hồ sơ đang làm dở", a duplicate draft warned,
 * blank pages flagged by the ingest analysis before any PDF/A, the action bar always on screen, finished,
 * then found again by CCCD (intake and results); screenshots of every screen at 1366×768 and 1920×1080.
 */
describe('the counter workflow at 1366×768', () => {
  let st: UiStation;
  let svc: RunningService;
  let browser: Browser;
  let token: TestToken;

  beforeAll(async () => {
    // 100 dpi (marked as an exception) keeps ten feeder pages light on a busy 2-core machine.
    const exception = { reason: 'e2e: low resolution spares the machine' };
    st = await startUiStation({
      name: 'counter',
      profiles: [
        { name: 'e2e-khay-100', pixelType: 'color', resolution: 100, source: 'feeder', pageSize: 'A4', exception, driverOptions: { 'test-picture': 'Color pattern' } },
        { name: 'e2e-kinh-100', pixelType: 'color', resolution: 100, source: 'flatbed', pageSize: 'A4', exception, driverOptions: { 'test-picture': 'Color pattern' } },
        { name: 'e2e-trang-100', pixelType: 'color', resolution: 100, source: 'flatbed', pageSize: 'A4', exception, driverOptions: { 'test-picture': 'Solid white' } },
      ],
      env: { SOHOA_SANE_BACKENDS: '' },
      token: { label: 'e2e-counter-token', keys: [{ name: 'Tran Van Mot Cua', id: '01' }] },
      // An English browser: dates must still read dd/mm/yyyy.
      browser: { viewport: COUNTER_VIEWPORT, locale: 'en-US' },
    });
    ({ svc, browser } = st);
    token = st.token!;
  }, 300_000);

  afterAll(async () => {
    await st?.stop();
  });

  it('resumes a half-scanned dossier after a reload, flags blank pages while scanning, keeps the action bar on screen, finds the dossier by CCCD', async () => {
    const { page } = browser;
    await page.goto(`${svc.url}#token=${svc.token}`);
    await signInUi(page, DEMO.admin);
    const screen = page.getByTestId('screen-intake');
    const pages = screen.getByTestId('page');
    await shot(page, 'counter-1366-01-start');

    // Procedure search ignores diacritics and punctuation.
    const search = screen.getByTestId('procedure-search');
    await search.fill('ket hon');
    await eventually(() => screen.getByTestId('procedure-option').first().getAttribute('data-code'), { timeout: 20_000 }).toBe(MARRIAGE);
    await search.fill('1000894');
    await eventually(() => screen.getByTestId('procedure-option').first().getAttribute('data-code')).toBe(MARRIAGE);
    await search.fill('ket hon');
    await eventually(() => screen.getByTestId('procedure-option').first().getAttribute('data-code')).toBe(MARRIAGE);
    await page.keyboard.press('Enter');

    // The CCCD field takes digits only and says what is wrong once it can.
    const ownerId = screen.getByTestId('owner-id');
    await ownerId.pressSequentially('99a9');
    await expect(ownerId.inputValue()).resolves.toBe('999');
    await eventually(() => screen.getByTestId('owner-id-check').textContent()).toContain('Mã tỉnh 999');
    await ownerId.fill('');
    await ownerId.pressSequentially(CCCD);
    await eventually(() => screen.getByTestId('owner-id-check').textContent()).toContain('Hồ Chí Minh');
    await screen.getByTestId('owner-name').fill('Phạm Thị Thu Hà');
    await shot(page, 'counter-1366-02-owner');
    await page.keyboard.press('Control+Enter');
    const dossier = screen.getByTestId('dossier');
    await dossier.waitFor();
    const dossierId = (await dossier.getAttribute('data-id'))!;
    await expect(screen.getByTestId('dossier-owner-id').textContent()).resolves.toContain(CCCD);
    await eventually(() => screen.getByTestId('scan-device').inputValue(), { timeout: 30_000 }).toBe('sane:test:0');

    // Half the dossier: ten feeder pages into the first component.
    await screen.getByTestId('scan-profile').selectOption('e2e-khay-100');
    await page.keyboard.press('Alt+S');
    await eventually(() => screen.getByTestId('scan-status').textContent(), { timeout: 30_000 }).toMatch(/Đang khởi động máy quét…|Đang quét|Xong/);
    await eventually(() => pages.count(), { timeout: 120_000 }).toBe(10);
    await eventually(() => screen.getByTestId('scan-status').textContent(), { timeout: 60_000 }).toBe('Xong: 10 trang');
    await eventually(() => screen.getByTestId('component').first().getByTestId('component-status').textContent()).toContain('đã quét 10 trang');
    // Every page analysed at ingest; none of the patterned sheets is taken for blank.
    await eventually(() => screen.locator('[data-testid=page][data-analysed=true]').count(), { timeout: 120_000 }).toBe(10);
    await expect(screen.locator('[data-testid=page][data-blank=flagged]').count()).resolves.toBe(0);
    // The test backend's colour chart is mostly dark colour (paper level < 170): each tile says "tối" (too dark,
    // not blank), and the viewer gives the fix in Vietnamese.
    await eventually(() => screen.locator('[data-testid=page] [data-testid=quality-badge][data-quality=PAGE_TOO_DARK]').count(), { timeout: 30_000 }).toBe(10);
    await expect(screen.locator('[data-testid=page] [data-testid=quality-badge]').first().textContent()).resolves.toBe('tối');
    await pages.first().click();
    await expect(screen.getByTestId('quality-note').textContent()).resolves.toContain('Quét lại trang này sáng hơn');
    // The action bar and its buttons are on screen without scrolling.
    for (const id of ['action-bar', 'page-count', 'assemble', 'sign', 'finish']) {
      expect(await inViewport(page, screen.getByTestId(id)), id).toBe(true);
    }
    const scrolled = await page.evaluate(() => {
      const d = (globalThis as unknown as { document: { scrollingElement: { scrollHeight: number; clientHeight: number } } }).document.scrollingElement;
      return d.scrollHeight - d.clientHeight;
    });
    expect(scrolled).toBe(0);
    // Double-click in the viewer: 100 %, again: fit.
    await screen.getByTestId('viewer').dblclick();
    await eventually(() => screen.getByTestId('viewer').getAttribute('data-zoom')).toBe('100');
    await shot(page, 'counter-1366-03-scanned-10');
    await screen.getByTestId('viewer').dblclick();
    await eventually(() => screen.getByTestId('viewer').getAttribute('data-zoom')).toBe('fit');

    // Delete keeps the focus in the strip; Ctrl+Z puts the page back where it was.
    const seqs = async () => (await pages.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-seq'))))) as number[];
    const before = await seqs();
    await pages.nth(3).focus();
    await page.keyboard.press('Delete');
    await eventually(() => pages.count()).toBe(9);
    await eventually(() => page.evaluate(() => (globalThis as unknown as { document: { activeElement: { getAttribute(n: string): string | null } | null } }).document.activeElement?.getAttribute('data-testid') ?? null)).toBe('page');
    await page.keyboard.press('Control+z');
    await eventually(() => seqs()).toEqual(before);

    // F5: the page starts over, the draft is listed in "Hồ sơ đang làm dở" (dates dd/mm/yyyy in an en-US browser).
    await page.reload();
    const draft = screen.locator(`[data-testid=draft][data-id="${dossierId}"]`);
    await draft.waitFor({ timeout: 30_000 });
    await expect(draft.textContent()).resolves.toMatch(/\d{2}\/\d{2}\/\d{4}/);
    await expect(draft.textContent()).resolves.toContain(CCCD);
    await shot(page, 'counter-1366-04-drafts');

    // Entering the same citizen and procedure again warns of the draft and offers to open it.
    await screen.getByTestId('procedure-search').fill('ket hon');
    await eventually(() => screen.getByTestId('procedure-option').first().getAttribute('data-code'), { timeout: 20_000 }).toBe(MARRIAGE);
    await page.keyboard.press('Enter');
    await screen.getByTestId('owner-id').fill(CCCD);
    const warning = screen.getByTestId('duplicate-warning');
    await warning.waitFor({ timeout: 20_000 });
    await expect(warning.textContent()).resolves.toContain(dossierId);
    await shot(page, 'counter-1366-05-duplicate');
    // "Hồ sơ mới" at any moment; then resume the newest draft in one key.
    await page.keyboard.press('Alt+N');
    await draft.waitFor();
    await page.keyboard.press('Alt+R');
    await eventually(() => dossier.getAttribute('data-id'), { timeout: 20_000 }).toBe(dossierId);
    await eventually(() => pages.count(), { timeout: 30_000 }).toBe(10);

    const sign = async () => {
      await eventually(() => screen.getByTestId('sign').isEnabled(), { timeout: 60_000 }).toBe(true);
      await page.keyboard.press('Alt+K');
      const dialog = page.getByTestId('sign-dialog');
      await dialog.waitFor();
      await eventually(() => dialog.getByTestId('sign-cert').locator('option').count(), { timeout: 30_000 }).toBeGreaterThan(0);
      await dialog.getByTestId('sign-pin').fill(token.pin);
      await dialog.getByTestId('sign-submit').click();
      await dialog.waitFor({ state: 'detached', timeout: 60_000 });
    };
    const assemble = async () => {
      await eventually(() => screen.getByTestId('assemble').isEnabled(), { timeout: 30_000 }).toBe(true);
      await page.keyboard.press('Alt+P');
      await screen.getByTestId('assembled').waitFor({ timeout: 180_000 });
    };
    await assemble();
    await sign();
    const components = screen.getByTestId('component');
    await eventually(() => components.nth(0).getByTestId('component-status').getAttribute('data-state'), { timeout: 20_000 }).toBe('signed');

    // Second component: one page, a PDF/A, then a white sheet — flagged by the ingest analysis, no PDF/A pressed since.
    await components.nth(1).click();
    await eventually(() => screen.getByTestId('scan-device').inputValue(), { timeout: 30_000 }).toBe('sane:test:0');
    const scanWith = async (profile: string, expected: number) => {
      await screen.getByTestId('scan-profile').selectOption(profile);
      await page.keyboard.press('Alt+S');
      await eventually(() => pages.count(), { timeout: 60_000 }).toBe(expected);
      await eventually(() => screen.getByTestId('scan-status').getAttribute('data-running'), { timeout: 30_000 }).toBe('false');
    };
    await scanWith('e2e-kinh-100', 1);
    await assemble();
    await eventually(() => screen.getByTestId('sign').isEnabled(), { timeout: 30_000 }).toBe(true);
    await scanWith('e2e-trang-100', 2);
    const flagged = screen.locator('[data-testid=page][data-blank=flagged]');
    await eventually(() => flagged.count(), { timeout: 60_000 }).toBe(1);
    // Undecided: neither a new PDF/A nor a signature.
    await eventually(() => screen.getByTestId('sign').isEnabled()).toBe(false);
    await expect(screen.getByTestId('assemble').isEnabled()).resolves.toBe(false);
    await expect(screen.getByTestId('page-count').getAttribute('data-pending-blank')).resolves.toBe('1');
    for (const id of ['assemble', 'sign', 'finish']) expect(await inViewport(page, screen.getByTestId(id)), id).toBe(true);
    await flagged.click();
    await shot(page, 'counter-1366-06-blank-flagged');
    // Confirmed blank by keyboard, then put back with the mouse, then confirmed again.
    await flagged.focus();
    await page.keyboard.press('b');
    const blank = screen.locator('[data-testid=page][data-blank=confirmed_blank]');
    await eventually(() => blank.count()).toBe(1);
    await blank.click();
    await screen.getByTestId('restore-blank').click();
    await eventually(() => screen.locator('[data-testid=page][data-blank=confirmed_keep]').count()).toBe(1);
    await screen.getByTestId('confirm-blank').click();
    await eventually(() => blank.count()).toBe(1);
    await sign();
    await eventually(() => components.nth(1).getByTestId('component-status').getAttribute('data-state'), { timeout: 20_000 }).toBe('signed');

    // Finish; then the citizen's dossier is found by CCCD.
    await eventually(() => screen.getByTestId('finish').isEnabled(), { timeout: 30_000 }).toBe(true);
    await page.keyboard.press('Alt+F');
    await screen.getByTestId('finished').waitFor({ timeout: 30_000 });
    await shot(page, 'counter-1366-07-finished');
    await page.keyboard.press('Alt+N');
    await screen.getByTestId('find-input').fill(CCCD);
    const found = screen.locator(`[data-testid=found][data-id="${dossierId}"]`);
    await found.waitFor({ timeout: 20_000 });
    await expect(found.getAttribute('data-state')).resolves.toBe('queued');
    // Not among the drafts once the drafts list has answered (before that, absent proves nothing).
    await eventually(() => screen.getByTestId('drafts').getAttribute('aria-busy'), { timeout: 20_000 }).toBe('false');
    await expect(screen.locator(`[data-testid=draft][data-id="${dossierId}"]`).count()).resolves.toBe(0);
    // By name without diacritics, too.
    await screen.getByTestId('find-input').fill('pham thi thu ha');
    await found.waitFor({ timeout: 20_000 });
    await shot(page, 'counter-1366-08-find');

    // A new marriage dossier for the same citizen offers the signed documents of the earlier one.
    await screen.getByTestId('procedure-search').fill('ket hon');
    await eventually(() => screen.getByTestId('procedure-option').first().getAttribute('data-code'), { timeout: 20_000 }).toBe(MARRIAGE);
    await page.keyboard.press('Enter');
    // This time a USB QR reader types the card's QR payload (then Enter) into the CCCD field: id and name are filled.
    await screen.getByTestId('owner-id').focus();
    await page.keyboard.type(`${CCCD}|123456789|Pham Thi Thu Ha|01011999|Nu|12 Le Loi, Quan 1|01012021`);
    await page.keyboard.press('Enter');
    await eventually(() => screen.getByTestId('owner-id').inputValue()).toBe(CCCD);
    await expect(screen.getByTestId('owner-name').inputValue()).resolves.toBe('Pham Thi Thu Ha');
    await eventually(() => screen.getByTestId('create-dossier').isEnabled()).toBe(true);
    await page.keyboard.press('Control+Enter');
    await screen.getByTestId('earlier-documents').waitFor({ timeout: 30_000 });
    await expect(screen.getByTestId('earlier-document').first().getAttribute('data-dossier')).resolves.toBe(dossierId);
    await shot(page, 'counter-1366-09-earlier-documents');

    // The results screen finds the same dossier by CCCD instead of starting a new one.
    await page.keyboard.press('Alt+2');
    const results = page.getByTestId('screen-result');
    await results.getByTestId('find-input').fill(CCCD);
    await results.locator(`[data-testid=found][data-id="${dossierId}"]`).waitFor({ timeout: 20_000 });
    await shot(page, 'counter-1366-10-results-find');
    // Opened there, it is the same dossier with its result component (kết quả), not a new one.
    await results.locator(`[data-testid=found][data-id="${dossierId}"]`).click();
    await eventually(() => results.getByTestId('dossier').getAttribute('data-id'), { timeout: 20_000 }).toBe(dossierId);
    await eventually(() => results.getByTestId('component').first().getAttribute('data-type')).toBe('KH-KQ');
    await results.getByTestId('new-dossier-top').click();
    expect(browser.errors).toEqual([]);
  });

  it('has a screenshot of every screen at 1366×768 and 1920×1080', async () => {
    const { page } = browser;
    for (const size of [COUNTER_VIEWPORT, FULL_HD_VIEWPORT]) {
      await page.setViewportSize(size);
      const tag = `${size.width}x${size.height}`;
      await page.keyboard.press('Alt+1');
      // From the start screen Alt+R resumes the newest draft (the second marriage dossier); at work it does nothing.
      await page.keyboard.press('Alt+R');
      await page.getByTestId('screen-intake').getByTestId('component-panel').waitFor();
      await shot(page, `screen-${tag}-intake-work`);
      for (const [key, name, ready] of [
        ['Alt+2', 'results', 'screen-result'],
        ['Alt+3', 'queue', 'queue-row'],
        ['Alt+4', 'reports', 'screen-reports'],
        ['Alt+5', 'settings', 'screen-settings'],
      ] as const) {
        await page.keyboard.press(key);
        await page.getByTestId(ready).first().waitFor({ timeout: 20_000 });
        await shot(page, `screen-${tag}-${name}`);
      }
      await page.keyboard.press('Alt+1');
      await page.keyboard.press('Alt+N');
      // The drafts listed (the start screen's shot shows them, and the next round's Alt+R resumes the first).
      await page.getByTestId('screen-intake').getByTestId('draft').first().waitFor({ timeout: 20_000 });
      await shot(page, `screen-${tag}-intake-start`);
    }
    await page.setViewportSize(COUNTER_VIEWPORT);
    expect(browser.errors).toEqual([]);
  });
});
