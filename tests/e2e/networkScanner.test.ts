import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEsclScanner, type EsclScanner } from '../escl-scanner/server';
import { selfSignedCert, type CertFiles } from '../onestop-server/tls';
import { DEMO, eventually, expectShot, signInUi } from './support/station';
import { startUiStation, type UiStation } from './support/uiStation';

/**
 * An admin adds an HTTPS network scanner (the virtual eSCL scanner with a self-signed certificate) from
 * Settings → Máy quét: the station shows the certificate's SHA-256 fingerprint, adds nothing until the admin
 * confirms it, then lists the scanner and offers it on the scan screen. A clerk is not offered the form.
 */
describe('adding a network scanner from Settings', () => {
  let st: UiStation;
  let scanner: EsclScanner;
  let cert: CertFiles;

  beforeAll(async () => {
    st = await startUiStation({ name: 'escl-ui', profiles: [] });
    cert = selfSignedCert(join(st.workDir, 'scanner-tls'));
    scanner = await startEsclScanner({ sheets: 1, tls: { cert: readFileSync(cert.certFile, 'utf8'), key: readFileSync(cert.keyFile, 'utf8') }, makeAndModel: 'Máy quét mạng E2E' });
  }, 300_000);
  afterAll(async () => {
    await scanner?.close();
    await st?.stop();
  });

  it('shows the fingerprint, pins the certificate only when the admin confirms, then lists the scanner', async () => {
    const { page } = st.browser;
    await page.goto(`${st.svc.url}#token=${st.svc.token}`);
    await signInUi(page, DEMO.admin);
    await page.keyboard.press('Alt+5');
    await page.getByTestId('settings-devices').waitFor();
    const form = page.getByTestId('escl-add');
    await form.getByTestId('escl-url').fill(scanner.url);
    await form.getByTestId('escl-submit').click();
    // Not trusted yet: the fingerprint to compare, nothing added.
    const fp = form.getByTestId('escl-fingerprint-value');
    await fp.waitFor({ timeout: 60_000 });
    await expect(fp.textContent()).resolves.toBe(cert.fingerprint256);
    await expect(page.getByTestId('settings-devices').textContent()).resolves.not.toContain(scanner.uuid);
    await expectShot(page, '31-settings-escl-fingerprint');
    await form.getByTestId('escl-trust').click();
    await form.getByTestId('escl-added').waitFor({ timeout: 60_000 });
    await eventually(() => page.getByTestId('settings-devices').textContent(), { timeout: 60_000 }).toContain(`escl:${scanner.uuid}`);
    await expectShot(page, '32-settings-escl-added');
    // The clerk's scan screen offers it.
    await page.keyboard.press('Alt+1');
    const screen = page.getByTestId('screen-intake');
    await screen.getByTestId('procedure-search').fill('1.001193');
    // Enter chooses from the list shown: wait for the list that answers what was typed.
    await eventually(() => screen.getByTestId('procedure-option').first().getAttribute('data-code'), { timeout: 20_000 }).toBe('1.001193');
    await page.keyboard.press('Enter');
    await screen.getByTestId('owner-id').fill('001099012345');
    await page.keyboard.press('Control+Enter');
    await screen.getByTestId('dossier').waitFor();
    await eventually(() => screen.getByTestId('scan-device').locator('option').evaluateAll((os) => os.map((o) => o.getAttribute('value'))), { timeout: 60_000 }).toContain(`escl:${scanner.uuid}`);
    expect(st.browser.errors).toEqual([]);
  });

  it('does not offer the form to a clerk', async () => {
    const { page } = st.browser;
    await page.getByTestId('sign-out').click();
    await signInUi(page, DEMO.clerk);
    await page.keyboard.press('Alt+5');
    await page.getByTestId('settings-devices').waitFor();
    await expect(page.getByTestId('escl-add').count()).resolves.toBe(0);
  });
});
