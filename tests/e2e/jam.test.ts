import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { RunningService } from '../helpers/cli';
import { SCREENSHOT_DIR, type Browser } from './support/browser';
import { eventually, expectShot, shownSeqs, DEMO, signInUi } from './support/station';
import { createDossierUi, startUiStation, type UiStation } from './support/uiStation';

const vi = (await import('../../renderer/i18n/vi.json', { with: { type: 'json' } })).default as Record<string, string>;

/**
 * The SANE test scanner jams at sheet 3 of a 10-sheet feeder load (the capture area's test seam
 * SOHOA_TEST_FAULT_AT_SHEET); the clerk sees the Vietnamese message and what to do, presses Continue, and
 * the batch ends with all ten pages in order.
 */
describe('scanner jam mid-batch in the browser', () => {
  let st: UiStation;
  let svc: RunningService;
  let browser: Browser;

  beforeAll(async () => {
    st = await startUiStation({
      name: 'jam',
      profiles: [
        { name: 'e2e-feeder-75', description: 'Low resolution for a fast test run', pixelType: 'color', resolution: 75, source: 'feeder', pageSize: 'A4', driverOptions: { 'test-picture': 'Color pattern' }, exception: { reason: 'e2e test: resolution kept low to spare time and disk' } },
      ],
      env: { SOHOA_TEST_FAULT_AT_SHEET: '3:SANE_STATUS_JAMMED' },
    });
    ({ svc, browser } = st);
  }, 300_000);
  afterAll(async () => {
    await st?.stop();
  });

  it('shows the jam in Vietnamese with what to do, keeps the pages before it, and continues the batch in order', async () => {
    const { page } = browser;
    await page.goto(`${svc.url}#token=${svc.token}`);
    await signInUi(page, DEMO.clerk);
    const screen = page.getByTestId('screen-intake');
    await createDossierUi(page, screen, { search: '1.001193', code: '1.001193', ownerId: '001099012345' });
    await screen.getByTestId('scan-profile').selectOption('e2e-feeder-75');

    await page.keyboard.press('Alt+S');
    const fault = screen.getByTestId('scan-fault');
    await fault.waitFor({ timeout: 60_000 }).catch(async (err: unknown) => {
      await page.screenshot({ path: join(SCREENSHOT_DIR, 'jam-failure.png') });
      throw new Error(`no fault shown: ${await screen.getByTestId('component-panel').textContent()}`, { cause: err });
    });
    await expect(fault.getAttribute('data-code')).resolves.toBe('SCANNER_JAMMED');
    const text = await fault.textContent();
    expect(text).toContain('Kẹt giấy trong khay nạp.');
    expect(text).toContain('Gỡ giấy kẹt, đặt lại các trang chưa quét rồi bấm Quét tiếp.');
    await eventually(() => shownSeqs(page), { timeout: 10_000 }).toEqual([1, 2]);
    await expectShot(page, '10-scanner-jam');

    await fault.getByTestId('fault-continue').click();
    // Continue scans the reloaded feeder: the test scanner delivers a full load of 10 sheets, numbered on.
    const all = Array.from({ length: 12 }, (_, i) => i + 1);
    await eventually(() => shownSeqs(page), { timeout: 90_000 }).toEqual(all);
    await eventually(() => screen.getByTestId('scan-status').getAttribute('data-running'), { timeout: 10_000 }).toBe('false');
    await expect(screen.getByTestId('scan-fault').count()).resolves.toBe(0);
    await expect(screen.getByTestId('page-count').textContent()).resolves.toContain(vi['review.count']!.replace('{n}', '12'));
    // Thumbnails are real images of the pages, fetched by id with the token in a header (blob: URLs).
    await eventually(() => screen.locator('[data-testid=page] img.page-img').count(), { timeout: 30_000 }).toBe(12);
    const src = await screen.locator('[data-testid=page] img.page-img').first().getAttribute('src');
    expect(src).toMatch(/^blob:/);
    await expectShot(page, '11-after-continue');
    expect(browser.errors).toEqual([]);
  });
});
