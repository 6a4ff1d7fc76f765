import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { preflightFiles } from '../../electron/core/pdf/preflight';
import { api, type RunningService } from '../helpers/cli';
import { startOneStopServer, type OneStopServer } from '../onestop-server/server';
import { filesContaining, openStationDb, plainBlobCopy } from '../helpers/stationDb';
import { tempDir } from '../helpers/tmp';
import type { TestToken } from '../signing-infra/softhsm';
import type { Browser } from './support/browser';
import { buildHarness } from './support/harness';
import { eventually, expectShot, shownPageIds, DEMO, signInUi } from './support/station';
import { createDossierUi, startUiStation, type UiStation } from './support/uiStation';

/**
 * A full intake at the counter, in Chromium against `sohoa serve --demo` with the SANE test scanner:
 * a 3-component birth registration — scan, review (one blank page confirmed, reorder by keyboard and by
 * drag, delete + undo), PDF/A, sign each component with a SoftHSM token (PIN), finish into the queue —
 * ending with PDF/A files on disk whose signatures verify and which pass PDFBox Preflight.
 */
describe('full intake of a 3-component dossier', () => {
  let st: UiStation;
  let svc: RunningService;
  let browser: Browser;
  let token: TestToken;
  let dataDir: string;
  let workDir: string;
  let onestop: OneStopServer;

  beforeAll(async () => {
    st = await startUiStation({
      name: 'intake',
      profiles: [
        { name: 'e2e-mau-200-kinh', description: 'Màu 200 dpi mặt kính (ảnh thử màu)', pixelType: 'color', resolution: 200, source: 'flatbed', pageSize: 'A4', driverOptions: { 'test-picture': 'Color pattern' } },
        // The blank page: the test backend's solid-white picture, chosen through a scan profile option.
        { name: 'e2e-trang-trang', description: 'Màu 200 dpi mặt kính, ảnh thử trắng (trang trắng)', pixelType: 'color', resolution: 200, source: 'flatbed', pageSize: 'A4', driverOptions: { 'test-picture': 'Solid white' } },
      ],
      token: { label: 'e2e-clerk-token', keys: [{ name: 'Nguyen Thi Can Bo', id: '01' }] },
    });
    ({ svc, browser, dataDir, workDir } = st);
    token = st.token!;
    // The province's one-stop system: the reference server (the clerk enrols and syncs through the UI).
    onestop = await startOneStopServer({ dataDir: join(workDir, 'onestop'), enrolmentCodes: ['E2E-ENROL-0001'], seed: 1 });
    const sync = await api(svc, 'sync.configure', { agencyCode: 'H15.50', timeoutMs: 4000, backoff: { baseMs: 50, maxMs: 500, permanentMs: 1000 }, pollMs: 200, idempotencyKey: 'e2e-sync-config' });
    expect(sync.body).toMatchObject({ ok: true });
  }, 300_000);

  afterAll(async () => {
    await st?.stop();
    await onestop?.close();
  });

  it('scans, reviews, signs and queues; the PDF/A files on disk verify', async () => {
    const { page } = browser;
    await page.goto(`${svc.url}#token=${svc.token}`);
    // The admin: this run also enrols the station with the one-stop server (an admin setting).
    await signInUi(page, DEMO.admin);
    const screen = page.getByTestId('screen-intake');
    const pages = screen.getByTestId('page');

    // 1. Procedure by name, owner by CCCD (keyboard).
    await createDossierUi(page, screen, { search: 'khai sinh', code: '1.001193', ownerId: '079199012345', ownerName: 'Lê Thị Hồng Nhung' });
    const components = screen.getByTestId('component');
    await eventually(() => components.count()).toBe(3);

    const scanOne = async (profile: string, expected: number) => {
      await screen.getByTestId('scan-profile').selectOption(profile);
      await page.keyboard.press('Alt+S');
      await eventually(() => pages.count(), { timeout: 60_000 }).toBe(expected);
      await eventually(() => screen.getByTestId('scan-status').getAttribute('data-running'), { timeout: 30_000 }).toBe('false');
    };
    const assemble = async () => {
      // Alt+P acts only when "Make PDF/A" can be pressed (pages in, no blank page undecided, nothing running).
      await eventually(() => screen.getByTestId('assemble').isEnabled(), { timeout: 30_000 }).toBe(true);
      await page.keyboard.press('Alt+P');
      await screen.getByTestId('assembled').waitFor({ timeout: 120_000 });
    };
    const sign = async (wrongPinFirst = false) => {
      await eventually(() => screen.getByTestId('sign').isEnabled(), { timeout: 30_000 }).toBe(true);
      await page.keyboard.press('Alt+K');
      const dialog = page.getByTestId('sign-dialog');
      await dialog.waitFor();
      await eventually(() => dialog.getByTestId('sign-cert').locator('option').count(), { timeout: 30_000 }).toBeGreaterThan(0);
      if (wrongPinFirst) {
        // A wrong PIN: the Vietnamese message and what to do; the field is cleared, nothing is retried.
        await dialog.getByTestId('sign-pin').fill('9999');
        await dialog.getByTestId('sign-submit').click();
        const err = dialog.getByTestId('sign-error');
        await err.waitFor({ timeout: 30_000 });
        await expect(err.getAttribute('data-code')).resolves.toBe('PIN_INCORRECT');
        await expect(err.textContent()).resolves.toContain('Mã PIN không đúng.');
        await expect(dialog.getByTestId('sign-pin').inputValue()).resolves.toBe('');
        await expectShot(page, '14b-wrong-pin');
      }
      await dialog.getByTestId('sign-pin').fill(token.pin);
      // A double press on Sign does one thing (one signature).
      await dialog.getByTestId('sign-submit').dblclick();
      await dialog.waitFor({ state: 'detached', timeout: 60_000 }).catch(async (err: unknown) => {
        throw new Error(`sign dialog stayed open: ${await dialog.textContent()}`, { cause: err });
      });
    };

    // 2. Component 1: two pages, then a blank one; review.
    await scanOne('e2e-mau-200-kinh', 1);
    await scanOne('e2e-mau-200-kinh', 2);
    await scanOne('e2e-trang-trang', 3);
    await eventually(() => shownPageIds(page)).toHaveLength(3);
    // By id: each scan above is a job of its own, so every page has sequence number 1.
    const [s1, s2, s3] = await shownPageIds(page);
    await expectShot(page, '12-intake-scanned');
    // The ingest analysis flags the white sheet while scanning (never dropped silently); until it is
    // decided neither Make PDF/A nor Sign can be pressed.
    await eventually(() => screen.locator('[data-testid=page][data-blank=flagged]').count(), { timeout: 60_000 }).toBe(1);
    await expect(screen.getByTestId('assemble').isEnabled()).resolves.toBe(false);
    await expect(screen.getByTestId('sign').isEnabled()).resolves.toBe(false);
    await expectShot(page, '13-review-blank-flagged');
    // Confirm it blank by keyboard (B on the focused page).
    await screen.locator('[data-testid=page][data-blank=flagged]').focus();
    await page.keyboard.press('b');
    await eventually(() => screen.locator('[data-testid=page][data-blank=confirmed_blank]').count()).toBe(1);
    // Reorder by keyboard: the second page moves first.
    await pages.nth(1).focus();
    await page.keyboard.press('Alt+ArrowLeft');
    await eventually(() => shownPageIds(page)).toEqual([s2, s1, s3]);
    // …and by drag: the (now) first page dragged onto the second.
    await pages.nth(0).dragTo(pages.nth(1));
    await eventually(() => shownPageIds(page)).toEqual([s1, s2, s3]);
    // Back to [s2, s1] so the final order differs from the capture order.
    await pages.nth(1).focus();
    await page.keyboard.press('Alt+ArrowLeft');
    await eventually(() => shownPageIds(page)).toEqual([s2, s1, s3]);
    // Delete with undo: Ctrl+Z puts the page back where it was (the order differs from the capture order).
    await pages.nth(0).focus();
    await page.keyboard.press('Delete');
    await eventually(() => shownPageIds(page)).toEqual([s1, s3]);
    await page.keyboard.press('Control+z');
    await eventually(() => shownPageIds(page)).toEqual([s2, s1, s3]);
    // Two moves made before the first is answered (its answer held, then handed over): the strip never shows
    // an older order in between — on a busy machine the next key then acted on the page that order put there —
    // and the service ends with the order the clerk sees (renderer/harness/holdAnswers.ts).
    await page.evaluate(await buildHarness('holdAnswers.ts'));
    await page.evaluate("window.harness.watchStrip(); window.harness.holdAnswers(['pages.move'])");
    await pages.nth(1).focus();
    await page.keyboard.press('Alt+ArrowLeft');
    await eventually(() => shownPageIds(page)).toEqual([s1, s2, s3]);
    await pages.nth(1).focus();
    await page.keyboard.press('Alt+ArrowLeft');
    await eventually(() => shownPageIds(page)).toEqual([s2, s1, s3]);
    await eventually(() => page.evaluate<number>('window.harness.held.held')).toBeGreaterThanOrEqual(1);
    await page.evaluate('window.harness.release()');
    // The strip asks for the list again once both moves are answered; by then every answer has been handled.
    await eventually(() => page.evaluate<number>("window.harness.held.afterRelease['pages.list'] ?? 0"), { timeout: 30_000 }).toBeGreaterThanOrEqual(1);
    const opened = (await api(svc, 'dossiers.get', { id: await screen.getByTestId('dossier').getAttribute('data-id') })).body as { value: { components: { id: string; kind: string }[] } };
    const served = (await api(svc, 'pages.list', { componentId: opened.value.components.find((c) => c.kind === 'intake')!.id })).body as { value: { id: string; deleted: boolean }[] };
    expect(served.value.filter((p) => !p.deleted).map((p) => p.id)).toEqual([s2, s1, s3]);
    await expect(page.evaluate<string[][]>('window.harness.orders')).resolves.toEqual([
      [s2, s1, s3],
      [s1, s2, s3],
      [s2, s1, s3],
    ]);
    await assemble();
    await eventually(() => screen.getByTestId('assembled').textContent()).toContain('2 trang (1 trang trắng đã bỏ)');
    await expectShot(page, '14-review-done');
    await sign();
    await eventually(() => components.nth(0).getByTestId('component-status').getAttribute('data-state'), { timeout: 10_000 }).toBe('signed');

    // 3. Component 2: one page.
    await components.nth(1).click();
    await eventually(() => screen.getByTestId('scan-device').inputValue(), { timeout: 30_000 }).toBe('sane:test:0');
    await scanOne('e2e-mau-200-kinh', 1);
    await assemble();
    await sign(true);
    await eventually(() => components.nth(1).getByTestId('component-status').getAttribute('data-state'), { timeout: 10_000 }).toBe('signed');

    // 4. Component 3: a citizen's file imported through the browser (name with markup shown as text).
    await components.nth(2).click();
    const png = join(workDir, 'giay-uy-quyen.png');
    await sharp({ create: { width: 1654, height: 2339, channels: 3, background: { r: 250, g: 248, b: 240 } } })
      .composite([{ input: Buffer.from('<svg width="1654" height="400"><text x="100" y="200" font-size="80">GIẤY ỦY QUYỀN</text></svg>'), top: 200, left: 0 }])
      .withMetadata({ density: 200 })
      .png()
      .toFile(png);
    await screen.getByTestId('import-file').setInputFiles({ name: '<b>giấy ủy quyền</b>\u202Egnp.exe.png', mimeType: 'image/png', buffer: readFileSync(png) });
    await eventually(() => screen.getByTestId('import-name').textContent()).toBe('<b>giấy ủy quyền</b>\u202Egnp.exe.png');
    await eventually(() => components.nth(2).getByTestId('component-status').getAttribute('data-state'), { timeout: 120_000 }).toBe('digitised');
    await sign();
    await eventually(() => components.nth(2).getByTestId('component-status').getAttribute('data-state'), { timeout: 10_000 }).toBe('signed');
    await expectShot(page, '15-all-signed');

    // 5. Finish (pressed twice: one dossier queued), then the queue shows it.
    await eventually(() => screen.getByTestId('finish').isEnabled()).toBe(true);
    await page.keyboard.press('Alt+F');
    await page.keyboard.press('Alt+F');
    await screen.getByTestId('finished').waitFor({ timeout: 30_000 });
    const dossierId = (await screen.getByTestId('dossier').getAttribute('data-id'))!;
    await page.keyboard.press('Alt+3');
    const row = page.locator(`[data-testid=queue-row][data-id="${dossierId}"]`);
    await row.waitFor();
    await expect(row.getAttribute('data-state')).resolves.toBe('queued');
    await expectShot(page, '16-queue');

    // 6. On disk: one signed PDF/A per component, each verifying and passing Preflight.
    const db = openStationDb(dataDir, { readonly: true });
    let docs: { id: string; sha256: string; component_id: string; state: string }[];
    let signatures: number;
    try {
      docs = db
        .prepare(
          `SELECT d.id, d.sha256, d.component_id, d.state FROM document d JOIN component c ON c.id = d.component_id
           WHERE c.dossier_id = ? AND d.id IN (SELECT document_id FROM signature) ORDER BY c.position`,
        )
        .all(dossierId) as typeof docs;
      signatures = (db.prepare(`SELECT count(*) AS n FROM signature s JOIN document d ON d.id = s.document_id JOIN component c ON c.id = d.component_id WHERE c.dossier_id = ?`).get(dossierId) as { n: number }).n;
    } finally {
      db.close();
    }
    expect(new Set(docs.map((d) => d.component_id)).size).toBe(3);
    expect(signatures).toBe(3); // the double presses signed once each
    for (const d of docs) expect(existsSync(join(dataDir, 'blobs', d.sha256.slice(0, 2), d.sha256.slice(2, 4), d.sha256)), d.sha256).toBe(true);
    const plainDir = tempDir('sohoa-e2e-pdfs-');
    const files = docs.map((d) => plainBlobCopy(dataDir, d.sha256, plainDir)); // blobs are encrypted at rest
    for (const d of docs) {
      const v = await api(svc, 'documents.verify', { documentId: d.id });
      expect(v.body, d.id).toMatchObject({ ok: true, value: { valid: true, signatures: [{ intact: true, valid: true }] } });
    }
    const preflight = await preflightFiles(files);
    expect(preflight.map((r) => ({ valid: r.valid, errors: r.errors.length }))).toEqual(files.map(() => ({ valid: true, errors: 0 })));

    // 7. The admin enrols the station in Settings, the clerk presses Sync now: the dossier gets its server code.
    await page.keyboard.press('Alt+5');
    await page.getByTestId('settings-server').click();
    const panel = page.getByRole('tabpanel');
    await panel.getByTestId('settings-sync').waitFor();
    await panel.getByLabel(/Địa chỉ máy chủ/).fill(onestop.url);
    await panel.getByRole('button', { name: 'Lưu' }).click();
    await panel.getByText('Đã lưu.').waitFor();
    await panel.getByLabel('Mã đăng ký').fill('E2E-ENROL-0001');
    await panel.getByRole('button', { name: 'Đăng ký', exact: true }).click();
    await eventually(() => panel.getByTestId('settings-sync').textContent(), { timeout: 20_000 })
      .toContain('Đã đăng ký' + 'Có')
      .catch(async (err: unknown) => {
        throw new Error(`not enrolled: ${await panel.textContent()}`, { cause: err });
      });
    await expectShot(page, '17-settings-server');
    await page.keyboard.press('Alt+3');
    await page.getByTestId('sync-now').click();
    await eventually(() => row.getAttribute('data-state'), { timeout: 60_000 }).toBe('synced');
    const code = await row.locator('.mono').textContent();
    expect(code).toMatch(/^H15\.50-\d{6,8}-\d{4,7}$/);
    await expectShot(page, '18-queue-synced');
    expect(browser.errors).toEqual([]);

    // 8. Citizens' data at rest (NĐ 13/2023, Law 91/2025): after scanning, signing and syncing, no file under
    // the data directory holds the owner's CCCD or name in clear (database, WAL, blobs, logs, temp files).
    for (const needle of ['079199012345', 'Lê Thị Hồng Nhung']) expect(filesContaining(dataDir, needle), needle).toEqual([]);
    expect(readFileSync(join(dataDir, 'station.db')).subarray(0, 15).toString('latin1')).not.toBe('SQLite format 3');
  });
});
