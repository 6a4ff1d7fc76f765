import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, type RunningService } from '../helpers/cli';
import { openStationDb, plainBlobCopy } from '../helpers/stationDb';
import type { TestToken } from '../signing-infra/softhsm';
import { SCREENSHOT_DIR, type Browser } from './support/browser';
import { DEMO, eventually, expectShot, signInUi } from './support/station';
import { createDossierUi, startUiStation, type UiStation } from './support/uiStation';

/**
 * The records clerk (văn thư) signs in, digitises a paper result and applies the agency's "SAO Y" from the
 * sign dialog: heading, agency name and the seal image the admin uploaded. The clerk's dialog offers no
 * agency choice (and the service refuses it: tests/integration/signing/api.test.ts).
 */
describe('SAO Y from the UI (records clerk)', () => {
  let st: UiStation;
  let svc: RunningService;
  let browser: Browser;
  let token: TestToken;
  let workDir: string;

  beforeAll(async () => {
    // The admin uploads the seal and configures the agency token (as in Settings).
    const seal = await sharp(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="240" height="240"><circle cx="120" cy="120" r="100" fill="none" stroke="#d00" stroke-width="16"/><text x="120" y="135" font-size="40" text-anchor="middle" fill="#d00">DẤU</text></svg>')).png().toBuffer();
    st = await startUiStation({
      name: 'saoy',
      profiles: [
        { name: 'e2e-ket-qua-150', description: 'Màu 150 dpi mặt kính (kết quả)', pixelType: 'color', resolution: 150, source: 'flatbed', pageSize: 'A4', driverOptions: { 'test-picture': 'Color pattern' }, exception: { reason: 'e2e test: resolution kept low to spare time and disk' } },
      ],
      token: { label: 'e2e-agency-token', keys: [{ name: 'UBND xa Tan Phu', id: '0a' }], signing: { agencyName: 'UBND xã Tân Phú', sealPngBase64: seal.toString('base64') } },
    });
    ({ svc, browser, workDir } = st);
    token = st.token!;
  }, 300_000);

  afterAll(async () => {
    await st?.stop();
  });

  it('a records clerk digitises a result and signs it as the agency; the PDF carries SAO Y, the agency and the seal', async () => {
    const { page } = browser;
    await page.goto(`${svc.url}#token=${svc.token}`);
    await expectShot(page, '20-sign-in');
    await signInUi(page, DEMO.records);
    await expect(page.getByTestId('session-user').getAttribute('data-role')).resolves.toBe('records_clerk');
    await page.keyboard.press('Alt+2');
    const screen = page.getByTestId('screen-result');
    await createDossierUi(page, screen, { search: 'khai sinh', code: '1.001193', ownerId: '079199012345', ownerName: 'Lê Thị Hồng Nhung' });
    await screen.getByTestId('scan-profile').selectOption('e2e-ket-qua-150');
    await page.keyboard.press('Alt+S');
    await eventually(() => screen.getByTestId('page').count(), { timeout: 60_000 }).toBe(1);
    await eventually(() => screen.getByTestId('scan-status').getAttribute('data-running'), { timeout: 30_000 }).toBe('false');
    // The dossier reload that follows assembling is held back 1.5 s (a busy service): the "assembled" check must
    // not show before it, or Alt+K pressed on seeing the check meets a Sign action still disabled (a CI failure).
    let held = 0;
    await page.route('**/api/dossiers.get', async (route) => {
      held++;
      await new Promise((resolve) => setTimeout(resolve, 1500));
      await route.continue();
    });
    await page.keyboard.press('Alt+P');
    await screen.getByTestId('assembled').waitFor({ timeout: 120_000 });

    await page.keyboard.press('Alt+K');
    const dialog = page.getByTestId('sign-dialog');
    await dialog.waitFor();
    await page.unroute('**/api/dossiers.get');
    expect(held).toBeGreaterThan(0);
    await eventually(() => dialog.getByTestId('sign-cert').locator('option').count(), { timeout: 30_000 }).toBeGreaterThan(0);
    // The records clerk is offered the agency signature, chosen by default.
    await expect(dialog.getByTestId('sign-role-agency').isChecked()).resolves.toBe(true);
    await dialog.getByTestId('sign-pin').fill(token.pin);
    await expectShot(page, '21-sign-dialog-sao-y');
    await dialog.getByTestId('sign-submit').click();
    await dialog.waitFor({ state: 'detached', timeout: 60_000 }).catch(async (err: unknown) => {
      throw new Error(`sign dialog stayed open: ${await dialog.textContent()}`, { cause: err });
    });
    await expectShot(page, '22-result-signed-sao-y');

    // The stored document: an agency signature by the records clerk, with the mark a reader sees.
    const list = (await api(svc, 'dossiers.list', { purpose: 'result' })).body as { value: { id: string }[] };
    const dossier = (await api(svc, 'dossiers.get', { id: list.value[0]!.id })).body as { value: { components: { kind: string; documentId: string | null }[] } };
    const documentId = dossier.value.components.find((c) => c.kind === 'result' && c.documentId)!.documentId!;
    const v = (await api(svc, 'documents.verify', { documentId })).body as { value: { valid: boolean; signatures: { signer: { name: string } }[] } };
    expect(v.value.valid).toBe(true);
    expect(v.value.signatures.map((s) => s.signer.name)).toEqual(['UBND xa Tan Phu']);
    // The database is encrypted at rest: read it as an inspector holding the key would.
    const db = openStationDb(svc.dataDir, { readonly: true });
    let signer: unknown[];
    let blob: string;
    try {
      signer = db.prepare('SELECT u.login, s.role FROM signature s JOIN user u ON u.id = s.signed_by').all();
      blob = (db.prepare('SELECT sha256 FROM document WHERE id = ?').get(documentId) as { sha256: string }).sha256;
    } finally {
      db.close();
    }
    expect(signer).toEqual([{ login: 'vanthu', role: 'agency' }]);
    // Page 1 as a reader meets it: the "SAO Y" text and the agency name (pdftotext), the seal image, a render kept beside the screenshots.
    const pdf = plainBlobCopy(svc.dataDir, blob, workDir); // blobs are encrypted at rest
    const text = execFileSync('pdftotext', ['-f', '1', '-l', '1', pdf, '-'], { encoding: 'utf8' });
    expect(text).toContain('SAO Y');
    expect(text).toContain('UBND xã Tân Phú');
    const png = join(SCREENSHOT_DIR, '23-sao-y-page1');
    execFileSync('pdftoppm', ['-r', '60', '-f', '1', '-l', '1', '-png', '-singlefile', pdf, png]);
    // The seal is drawn as a stencil mask (PDF/A-1 has no soft masks); the scanned page itself is a plain image.
    const images = execFileSync('pdfimages', ['-f', '1', '-l', '1', '-list', pdf], { encoding: 'utf8' });
    expect(images.split('\n').filter((l) => /\bstencil\b/.test(l)).length, images).toBeGreaterThanOrEqual(1);
    expect(browser.errors).toEqual([]);
  }, 300_000);
});
