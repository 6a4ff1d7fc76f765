import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { expect } from 'vitest';
import { api, startService, type RunningService } from '../../helpers/cli';
import { tempDir } from '../../helpers/tmp';
import { TestPki } from '../../signing-infra/pki';
import { SOFTHSM_MODULE, TestToken } from '../../signing-infra/softhsm';
import { buildUi, openBrowser, type Browser } from './browser';
import { eventually, writeProfiles } from './station';

export interface UiStationOptions {
  /** A label for the temp folders (`sohoa-e2e-<name>-…`). */
  name: string;
  /** Scan profiles (SOHOA_PROFILES_DIR). */
  profiles: Record<string, unknown>[];
  /** Extra environment for `sohoa serve`. */
  env?: NodeJS.ProcessEnv;
  /** A SoftHSM token holding one key per entry, certified by a fresh test PKI and configured for signing. */
  token?: { label: string; keys: { name: string; id: string }[]; signing?: Record<string, unknown> };
  browser?: Parameters<typeof openBrowser>[0];
}

export interface UiStation {
  svc: RunningService;
  browser: Browser;
  dataDir: string;
  workDir: string;
  pki?: TestPki;
  token?: TestToken;
  stop(): Promise<void>;
}

/**
 * The e2e tests' station: `sohoa serve --demo` with the UI built from source, the given scan profiles, an
 * optional SoftHSM token allowed and configured for signing (as the admin does in Settings), and a fresh
 * Chromium. One place for the set-up every browser test repeats.
 */
export async function startUiStation(o: UiStationOptions): Promise<UiStation> {
  const uiDir = tempDir('sohoa-ui-', { scope: 'file' });
  const dataDir = tempDir(`sohoa-e2e-${o.name}-`, { scope: 'file' });
  const workDir = tempDir(`sohoa-e2e-${o.name}-work-`, { scope: 'file' });
  const profiles = writeProfiles(join(workDir, 'profiles'), o.profiles);
  let pki: TestPki | undefined;
  let token: TestToken | undefined;
  const started: UiStation = { svc: undefined as unknown as RunningService, browser: undefined as unknown as Browser, dataDir, workDir, stop: async () => undefined };
  try {
    if (o.token) {
      pki = new TestPki();
      await pki.start();
      token = new TestToken(o.token.label);
      // ASCII names: the test PKI passes -subj to openssl without -utf8, so a Vietnamese CN arrives as mojibake.
      for (const k of o.token.keys) token.addKey(pki, k.name, k.id, 'p256');
    }
    await buildUi(uiDir);
    const svc = await startService(dataDir, ['--demo', '--ui-dir', uiDir], { SOHOA_PROFILES_DIR: profiles, TZ: 'Asia/Ho_Chi_Minh', ...(token ? { SOFTHSM2_CONF: token.conf } : {}), ...o.env });
    started.svc = svc;
    if (pki && o.token) {
      const cfg = await api(svc, 'signing.setConfig', {
        allowedTokenModules: [SOFTHSM_MODULE],
        pkcs11Modules: [SOFTHSM_MODULE],
        trustAnchorsPem: readFileSync(pki.caCert, 'utf8'),
        tsaUrl: null,
        defaultLevel: 'B-B',
        ...o.token.signing,
      });
      expect(cfg.body).toMatchObject({ ok: true });
    }
    const browser = await openBrowser(o.browser);
    return {
      svc,
      browser,
      dataDir,
      workDir,
      pki,
      token,
      stop: async () => {
        await browser.close();
        await svc.stop();
        await pki?.stop();
        token?.cleanup();
      },
    };
  } catch (err) {
    await started.svc?.stop();
    await pki?.stop();
    token?.cleanup();
    throw err;
  }
}

/**
 * On the intake or results screen: finds the procedure by `search`, checks the first match is `code`,
 * types the owner's CCCD (and name), creates the dossier with Ctrl+Enter and waits for the SANE test
 * scanner to be chosen.
 */
export async function createDossierUi(page: Page, screen: Locator, d: { search: string; code: string; ownerId: string; ownerName?: string }): Promise<void> {
  await screen.getByTestId('procedure-search').fill(d.search);
  await eventually(() => screen.getByTestId('procedure-option').first().getAttribute('data-code'), { timeout: 10_000 }).toBe(d.code);
  await page.keyboard.press('Enter');
  await screen.getByTestId('owner-id').fill(d.ownerId);
  if (d.ownerName !== undefined) await screen.getByTestId('owner-name').fill(d.ownerName);
  await page.keyboard.press('Control+Enter');
  await screen.getByTestId('dossier').waitFor();
  await eventually(() => screen.getByTestId('scan-device').inputValue(), { timeout: 30_000 }).toBe('sane:test:0');
}
