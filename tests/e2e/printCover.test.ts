import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/tmp';
import { DEMO, eventually, signInUi } from './support/station';
import { createDossierUi, startUiStation, type UiStation } from './support/uiStation';

/**
 * Printing the receipt cover sheet from the counter (issue 20): the dossier's "In phiếu kiểm soát" button
 * opens the sheet as a PDF in a new tab (the browser's PDF viewer prints it). What the service sent is checked
 * as a reader meets it: a PDF whose 200 dpi poppler render zbarimg (Debian's independent reader) reads as
 * the dossier's code; the separator button does the same for the selected component.
 */
describe('printing the cover sheet from the UI', () => {
  let ui: UiStation;

  beforeAll(async () => {
    ui = await startUiStation({
      name: 'cover',
      profiles: [{ name: 'e2e-feeder-75', pixelType: 'color', resolution: 75, source: 'feeder', pageSize: 'A4', exception: { reason: 'e2e test: nothing is scanned here' } }],
    });
  });
  afterAll(async () => {
    await ui?.stop();
  });

  /** Clicks a print button; answers the PDF the service sent once a tab shows it. */
  async function print(testId: string): Promise<{ pdf: Buffer; code: string }> {
    const { page } = ui.browser;
    const answer = page.waitForResponse((r) => r.url().endsWith('/api/dossiers.cover') && r.request().method() === 'POST', { timeout: 60_000 });
    const tab = page.context().waitForEvent('page', { timeout: 60_000 });
    await page.getByTestId(testId).click();
    const body = (await (await answer).json()) as { ok: boolean; value: { pdfBase64: string; code: string; fileName: string } };
    expect(body.ok).toBe(true);
    const opened = await tab;
    // The tab shows the PDF the service sent (a blob: URL of this page, so no token travels in a URL).
    await eventually(() => opened.url(), { timeout: 30_000 }).toMatch(/^blob:/);
    await opened.close();
    return { pdf: Buffer.from(body.value.pdfBase64, 'base64'), code: body.value.code };
  }

  function zbarOnRender(pdf: Buffer): string[] {
    const dir = tempDir('sohoa-cover-render-');
    const file = join(dir, 'sheet.pdf');
    writeFileSync(file, pdf);
    execFileSync('pdftoppm', ['-r', '200', '-gray', '-png', '-singlefile', file, join(dir, 'sheet')]);
    const out = execFileSync('zbarimg', ['--quiet', '--raw', '-Sdisable', '-Sqrcode.enable', join(dir, 'sheet.png')], { encoding: 'utf8' });
    return out.split('\n').filter((l) => l.trim() !== '');
  }

  it('opens the dossier cover sheet and a component separator as PDFs whose QR zbarimg reads', async () => {
    const { page } = ui.browser;
    await page.goto(`${ui.svc.url}#token=${ui.svc.token}`);
    await signInUi(page, DEMO.clerk);
    const screen = page.getByTestId('screen-intake');
    await createDossierUi(page, screen, { search: '1.001193', code: '1.001193', ownerId: '001099012345' });
    const dossierId = (await screen.getByTestId('dossier').getAttribute('data-id'))!;

    const cover = await print('print-cover');
    expect(cover.pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(cover.code).toBe(`SOHOA1:D:${dossierId}`);
    expect(zbarOnRender(cover.pdf)).toEqual([`SOHOA1:D:${dossierId}`]);

    // The separator of the selected (first) component names that component.
    const sep = await print('print-separator');
    expect(sep.code).toMatch(new RegExp(`^SOHOA1:C:${dossierId}:[0-9A-Z]{26}$`));
    expect(zbarOnRender(sep.pdf)).toEqual([sep.code]);
  });
});
