import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completeDossier } from '../../electron/core/dossiers/service';
import { Station } from '../../electron/core/station/station';
import { getDossier } from '../../electron/core/store/dossiers';
import { updateComponent } from '../../electron/core/store/dossierEdits';
import { apiValue, type RunningService } from '../helpers/cli';
import { tempDir } from '../helpers/tmp';
import { ACCOUNT, addSignedDocument, configureTarget, drain, khaiSinh, smallPdf, startTargetServer } from '../integration/sync/fixtures';
import type { OneStopServer } from '../onestop-server/server';
import { COUNTER_VIEWPORT, type Browser } from './support/browser';
import { DEMO, eventually, expectViewportShot, signInUi } from './support/station';
import { createDossierUi, startUiStation, type UiStation } from './support/uiStation';

const KHAI_SINH = '1.001193';
/** The citizen whose earlier dossier, sent by another station, the province's DVCQG (reference server) holds. */
const OWNER = '001085123456';

/** The clerk starts a khai sinh dossier for OWNER on the intake screen; returns its id. */
async function newKhaiSinh(page: Page, screen: Locator): Promise<string> {
  await createDossierUi(page, screen, { search: 'khai sinh', code: KHAI_SINH, ownerId: OWNER, ownerName: 'Trần Văn C' });
  return (await screen.getByTestId('dossier').getAttribute('data-id'))!;
}

/**
 * "Mã hồ sơ trên giấy hẹn" in real Chromium at 1366×768, against `sohoa serve --demo` configured for the DVCQG
 * reference server (`--mode dvcqg`, in this process): the clerk types the MaHoSo from the citizen's receipt of a
 * dossier another station sent, the province's document is offered and taken (fetched, hash-checked, marked
 * reused); a malformed code is refused in the field; a failing province is reported beside the local candidates.
 */
describe('reuse by the code on the citizen\'s receipt (giấy hẹn)', () => {
  let station: UiStation | undefined;
  let srv: OneStopServer | undefined;
  let other: Station | undefined;
  let svc: RunningService;
  let browser: Browser;
  /** The earlier dossier's MaHoSo on the province's system. */
  let code: string;
  let takenInto: string;

  beforeAll(async () => {
    // Both live for the whole file (beforeAll): their folders are the file's, not the first test's.
    srv = await startTargetServer('dvcqg', { dataDir: tempDir('sohoa-e2e-receipt-onestop-', { scope: 'file' }) });
    // Another station of the province sent the citizen's earlier dossier: only the province holds its documents.
    other = Station.open({ dataDir: tempDir('sohoa-e2e-receipt-other-', { scope: 'file' }), holder: 'test' });
    const earlier = khaiSinh(other, OWNER, 'trạm khác');
    const tk = earlier.components.find((c) => c.typeCode === 'KS-TK')!;
    updateComponent(other.store, tk.id, { validFrom: '2025-01-01', validTo: '2099-12-31' }, new Date().toISOString());
    addSignedDocument(other, tk.id, await smallPdf('to khai tram khac'), 'to-khai.pdf');
    addSignedDocument(other, earlier.components.find((c) => c.typeCode === 'KS-GCS')!.id, await smallPdf('giay chung sinh tram khac'), 'gcs.pdf');
    completeDossier(other.store, earlier.id, true, 'local');
    configureTarget(other, srv);
    await drain(other, 120_000);
    code = getDossier(other.store, earlier.id)!.serverCode!;
    expect(code).toMatch(/^H15\.50-\d{6}-\d+$/);

    station = await startUiStation({ name: 'receipt', profiles: [], env: { SOHOA_SANE_BACKENDS: '' }, browser: { viewport: COUNTER_VIEWPORT } });
    ({ svc, browser } = station);
    // As the admin does in Settings: this station speaks to the same DVCQG, with a timeout fit for a busy machine.
    await apiValue(svc, 'sync.configure', { server: srv.url, adapter: 'dvcqg', agencyCode: 'H15.50', timeoutMs: 60_000, idempotencyKey: 'e2e-receipt-sync' });
    await apiValue(svc, 'sync.setCredentials', { username: ACCOUNT.name, password: ACCOUNT.secret, idempotencyKey: 'e2e-receipt-creds' });
  }, 300_000);

  afterAll(async () => {
    await station?.stop();
    other?.close();
    await srv?.close();
  });

  it('refuses a malformed code in the field with a Vietnamese message, asking nobody', async () => {
    const { page } = browser;
    await page.goto(`${svc.url}#token=${svc.token}`);
    await signInUi(page, DEMO.clerk);
    const screen = page.getByTestId('screen-intake');
    await newKhaiSinh(page, screen);
    const box = screen.getByTestId('earlier-documents');
    await eventually(() => box.getAttribute('aria-busy'), { timeout: 30_000 }).toBe('false');
    // Look-ups carrying receipt codes (a reconnection may repeat the plain one: that is not this field's doing).
    const asked: string[] = [];
    const onRequest = (r: { url(): string; postData(): string | null }) => {
      if (r.url().endsWith('/api/dossiers.reuseCandidates') && (r.postData() ?? '').includes('dossierCodes')) asked.push(r.postData() ?? '');
    };
    page.on('request', onRequest);
    const lookupsBefore = srv!.stats().requests.lookup ?? 0;

    const input = box.getByTestId('receipt-code-input');
    await expect(box.getByRole('textbox', { name: 'Mã hồ sơ trên giấy hẹn' }).count()).resolves.toBe(1);
    // A character no MaHoSo has is refused as it is typed.
    await input.click();
    await page.keyboard.type('HS/2025');
    const message = box.getByTestId('receipt-code-error');
    await message.waitFor();
    await expect(message.textContent()).resolves.toBe('“HS/2025” không phải mã hồ sơ: mã trên giấy hẹn có dạng mã cơ quan-ngày-số thứ tự, ví dụ H15.50-250301-0001.');
    await expect(input.getAttribute('aria-invalid')).resolves.toBe('true');
    await page.keyboard.press('Enter');
    // A code cut short (date and number too short): Enter refuses it and says why; no chip.
    await input.fill('');
    await message.waitFor({ state: 'detached' });
    await page.keyboard.type('h15.50-2503-01');
    await page.keyboard.press('Enter');
    await message.waitFor();
    await expect(message.textContent()).resolves.toContain('“H15.50-2503-01” không phải mã hồ sơ');
    await expect(input.inputValue()).resolves.toBe('h15.50-2503-01');
    await expect(box.getByTestId('receipt-code').count()).resolves.toBe(0);
    await expectViewportShot(page, 'receipt-1366-malformed');
    // Corrected as typed: the message goes once the code matches the service's pattern.
    await input.fill('H15.50-250301-0001');
    await message.waitFor({ state: 'detached' });
    await input.fill('');
    page.off('request', onRequest);
    expect(asked).toEqual([]);
    expect(srv!.stats().requests.lookup ?? 0).toBe(lookupsBefore);
    expect(browser.errors).toEqual([]);
  });

  it('looks the receipt code up on the province, offers its document, keeps the answer across component switches, and takes it', async () => {
    const { page } = browser;
    const screen = page.getByTestId('screen-intake');
    const dossierId = (await screen.getByTestId('dossier').getAttribute('data-id'))!;
    const box = screen.getByTestId('earlier-documents');
    const before = srv!.stats().requests.lookup ?? 0;

    // Typed as read from the paper (lower case), Enter adds it as a chip and asks again.
    await box.getByTestId('receipt-code-input').click();
    await page.keyboard.type(code.toLowerCase());
    await page.keyboard.press('Enter');
    await box.locator(`[data-testid=receipt-code][data-code="${code}"]`).waitFor();
    await expect(box.getByTestId('receipt-code-input').inputValue()).resolves.toBe('');
    const offer = box.locator(`[data-testid=earlier-document][data-source=remote][data-code="${code}"]`);
    await offer.waitFor({ timeout: 60_000 });
    await expect(offer.textContent()).resolves.toContain(`trên hệ thống một cửa, hồ sơ ${code}`);
    // Another station's dossier: this station knows no validity for it.
    await expect(offer.getByTestId('earlier-validity').textContent()).resolves.toBe('chưa rõ thời hạn');
    await expect(box.getAttribute('data-remote')).resolves.toBe('ok');
    const afterFirst = srv!.stats().requests.lookup ?? 0;
    expect(afterFirst).toBeGreaterThan(before);
    await expectViewportShot(page, 'receipt-1366-remote-offer');

    // The receipt serves the whole dossier: the second component asks with the same code (its own look-up)…
    const components = screen.getByTestId('component');
    await components.nth(1).click();
    await eventually(() => screen.locator('[data-testid=component-panel] h2').textContent()).toBe('Giấy chứng sinh hoặc giấy tờ thay thế');
    await screen.locator(`[data-testid=earlier-document][data-source=remote][data-code="${code}"]`).waitFor({ timeout: 60_000 });
    const afterSecond = srv!.stats().requests.lookup ?? 0;
    expect(afterSecond).toBeGreaterThan(afterFirst);
    // …and back on the first, the province's answer is the one already had: shown, not asked again.
    await components.nth(0).click();
    await offer.waitFor();
    await box.locator(`[data-testid=receipt-code][data-code="${code}"]`).waitFor();
    await eventually(() => box.getAttribute('aria-busy')).toBe('false');
    await components.nth(1).click();
    await screen.locator(`[data-testid=earlier-document][data-source=remote][data-code="${code}"]`).waitFor();
    await components.nth(0).click();
    await offer.waitFor();
    await eventually(() => box.getAttribute('aria-busy')).toBe('false');
    expect(srv!.stats().requests.lookup ?? 0).toBe(afterSecond);

    await offer.getByTestId('reuse').click();
    const reused = screen.getByTestId('reused-from');
    await reused.waitFor({ timeout: 60_000 });
    await expect(reused.textContent()).resolves.toContain(code);
    await eventually(() => components.nth(0).getByTestId('component-status').getAttribute('data-state'), { timeout: 30_000 }).toBe('signed');
    await expect(screen.getByTestId('earlier-documents').count()).resolves.toBe(0);
    // DuocTaiSuDung set; the province's bytes (fetched and hash-checked against its record) are the component's document.
    const now = await apiValue<{ components: { typeCode: string; reuse: string; digitised: boolean; signed: boolean; documentId: string | null; reusedFrom: { source: string; dossierCode: string | null } | null }[] }>(svc, 'dossiers.get', { id: dossierId });
    expect(now.components.find((c) => c.typeCode === 'KS-TK')).toMatchObject({ reuse: 'reused', digitised: true, signed: true, reusedFrom: { source: 'remote', dossierCode: code } });
    expect(now.components.find((c) => c.typeCode === 'KS-GCS')).toMatchObject({ reuse: 'none', digitised: false });
    takenInto = dossierId;
    expect(browser.errors).toEqual([]);
  });

  it('says in Vietnamese that the province could not be asked, and keeps listing this station\'s copy', async () => {
    const { page } = browser;
    const screen = page.getByTestId('screen-intake');
    await page.keyboard.press('Alt+N');
    const dossierId = await newKhaiSinh(page, screen);
    expect(dossierId).not.toBe(takenInto);
    const box = screen.getByTestId('earlier-documents');
    // The document taken a moment ago is now this station's copy in another dossier of the same citizen.
    const local = box.locator(`[data-testid=earlier-document][data-source=local][data-dossier="${takenInto}"]`);
    await local.waitFor({ timeout: 60_000 });
    await eventually(() => box.getAttribute('aria-busy'), { timeout: 30_000 }).toBe('false');
    // The codes typed belong to the dossier that was on screen: a new dossier starts without them.
    await expect(box.getByTestId('receipt-code').count()).resolves.toBe(0);

    // The province answers the next call with an HTML page instead of JSON.
    srv!.queueFault('malformed');
    await box.getByTestId('receipt-code-input').fill(code);
    await page.keyboard.press('Enter');
    const failed = box.getByTestId('earlier-remote-error');
    await failed.waitFor({ timeout: 60_000 });
    expect(srv!.stats().faults.malformed).toBe(1);
    const item = failed.locator(`li[data-code="${code}"]`);
    await expect(item.getAttribute('data-error')).resolves.toBe('SERVER_REPLY_MALFORMED');
    await expect(item.textContent()).resolves.toMatch(new RegExp(`^Không tra cứu được hồ sơ ${code.replace(/\./g, '\\.')} trên hệ thống một cửa: \\S`));
    await expect(box.getAttribute('data-remote')).resolves.toBe('failed');
    await expect(local.isVisible()).resolves.toBe(true);
    await expectViewportShot(page, 'receipt-1366-province-failed');
    expect(browser.errors).toEqual([]);
  });
});
