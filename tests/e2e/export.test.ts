import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Station } from '../../electron/core/station/station';
import { startService, type RunningService } from '../helpers/cli';
import { tempDir } from '../helpers/tmp';
import { addBatch, rng, type Batch } from '../integration/sync/fixtures';
import { buildUi, openBrowser, type Browser } from './support/browser';
import { DEMO, eventually, signInUi } from './support/station';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/**
 * "Lưu hồ sơ ra thư mục": the admin sets the station's export folder in Settings › Storage; a clerk exports a queued
 * dossier from the sync queue with one press; the new folder holds manifest.json and every signed PDF, each hashing to
 * what the manifest states (and to the document the station signed).
 */
describe('export a dossier to the station export folder from the UI', () => {
  let svc: RunningService;
  let browser: Browser;
  let batches: Batch[];
  let exportDir: string;

  beforeAll(async () => {
    const uiDir = tempDir('sohoa-ui-', { scope: 'file' });
    const dataDir = tempDir('sohoa-e2e-export-', { scope: 'file' });
    exportDir = join(tempDir('sohoa-e2e-exported-', { scope: 'file' }), 'Hồ sơ đã lưu');
    const st = Station.open({ dataDir, holder: 'test' });
    try {
      const r = rng(16);
      batches = [await addBatch(st, r, 3, 'xuat-a'), await addBatch(st, r, 2, 'xuat-b')];
    } finally {
      await st.close();
    }
    await buildUi(uiDir);
    svc = await startService(dataDir, ['--demo', '--ui-dir', uiDir], { TZ: 'Asia/Ho_Chi_Minh' });
    browser = await openBrowser();
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await svc?.stop();
  });

  it('the admin changes the folder; a clerk saves a dossier there with one press; manifest and files hash right', async () => {
    const { page } = browser;
    await page.goto(`${svc.url}#token=${svc.token}`);
    await signInUi(page, DEMO.admin);
    await page.getByTestId('nav-settings').click();
    await page.getByTestId('settings-storage').click();
    const shown = page.getByTestId('export-folder');
    await eventually(() => shown.getAttribute('data-default')).toBe('true');
    await page.getByTestId('export-folder-input').fill(exportDir);
    await page.getByTestId('export-folder-save').click();
    await eventually(() => shown.textContent()).toBe(exportDir);
    await expect(shown.getAttribute('data-default')).resolves.toBe('false');
    await page.getByTestId('sign-out').click();

    await signInUi(page, DEMO.clerk);
    // The clerk sees the folder but cannot change it.
    await page.getByTestId('nav-settings').click();
    await page.getByTestId('settings-storage').click();
    await eventually(() => page.getByTestId('export-folder').textContent()).toBe(exportDir);
    await expect(page.getByTestId('export-folder-input').count()).resolves.toBe(0);

    await page.getByTestId('nav-queue').click();
    const target = batches[0]!;
    const row = page.locator(`[data-testid=queue-row][data-id="${target.dossierId}"]`);
    await row.waitFor({ timeout: 30_000 });
    await row.getByTestId('export-dossier').click();
    const done = row.getByTestId('export-done');
    await done.waitFor({ timeout: 60_000 });
    const out = (await done.getAttribute('data-out'))!;
    expect(dirname(out)).toBe(exportDir);
    expect(out).toMatch(new RegExp(`${target.dossierId}_\\d{8}-\\d{6}$`));

    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as {
      draftId: string;
      components: { MaThanhPhanHoSo: string; DuocSoHoa: number; DuocTaiSuDung: number; DuocLayTuKhoDMQG: number; files: { file: string | null; sha256: string }[] }[];
    };
    expect(manifest.draftId).toBe(target.dossierId);
    const listed = manifest.components.flatMap((c) => c.files);
    expect(listed.map((f) => f.sha256).sort()).toEqual([...target.hashes].sort());
    for (const f of listed) expect(sha(readFileSync(join(out, f.file!)))).toBe(f.sha256);
    for (const c of manifest.components.filter((x) => x.files.length > 0)) expect(c).toMatchObject({ DuocSoHoa: 1, DuocTaiSuDung: 0, DuocLayTuKhoDMQG: 0 });
    // Nothing else was written: the PDFs, manifest.json and dvcqg.json.
    expect(readdirSync(out).sort()).toEqual([...listed.map((f) => f.file!), 'dvcqg.json', 'manifest.json'].sort());
    // One folder per press: the other dossier was not exported.
    expect(readdirSync(exportDir)).toEqual([out.slice(exportDir.length + 1)]);
  });
});
