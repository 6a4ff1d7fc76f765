import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import JSZip from 'jszip';
import { afterEach, describe, expect, it } from 'vitest';
import { Station } from '../../../electron/core/station/station';
import { getDossier } from '../../../electron/core/store/dossiers';
import { sql } from '../../../electron/core/store/sql';
import { writeSyncSettings } from '../../../electron/core/sync/settings';
import { startOneStopServer, type OneStopServer, type ServerMode } from '../../onestop-server/server';
import { runCliAsync } from '../../helpers/cli';
import { cliSignIn } from '../../helpers/session';
import { tempDir } from '../../helpers/tmp';
import { addBatch, rng, syncEngineFor, type Batch } from './fixtures';

/**
 * What IT staff and clerks do with the provincial targets, through the real `sohoa` command: configure the adapter
 * with credentials from a file, deliver with `sync now`, export a dossier for hand attachment; and the transport rule
 * that personal data never goes to a remote host in clear text.
 */
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const CLIENT = { name: 'cli-client', secret: 'S3cret-client-value-9f1' };
const ACCOUNT = { name: 'cli-tram', secret: 'S3cret-account-value-7a2' };

async function target(mode: ServerMode): Promise<OneStopServer> {
  const s = await startOneStopServer({ dataDir: tempDir('onestop-'), mode, clients: [CLIENT], accounts: [ACCOUNT], seed: 3 });
  cleanups.push(() => s.close());
  return s;
}

/** A data directory holding N queued dossiers (the station process is closed again: the CLI opens it). */
async function stationWith(n: number): Promise<{ dataDir: string; batches: Batch[] }> {
  const dataDir = tempDir('station-');
  const st = Station.open({ dataDir, holder: 'test' });
  const r = rng(21);
  const batches: Batch[] = [];
  try {
    for (let i = 0; i < n; i++) batches.push(await addBatch(st, r, 2 + i, `cli${i}`));
  } finally {
    await st.close();
  }
  cliSignIn(dataDir); // the admin's `sohoa login` (sync settings and exports are an admin's)
  return { dataDir, batches };
}

function cli(dataDir: string, args: string[]) {
  return runCliAsync(args, { SOHOA_DATA_DIR: dataDir, SOHOA_LOG_STDERR: '0' });
}

function logsText(dataDir: string): string {
  const dir = join(dataDir, 'logs');
  return readdirSync(dir).map((f) => readFileSync(join(dir, f), 'utf8')).join('\n');
}

describe.each(['dvc-bo', 'dvcqg'] as const)('sohoa sync configure --adapter %s, then sync now', (mode) => {
  it('delivers every queued dossier; the server holds each document once with its hash; the secret is nowhere in the output or logs', async () => {
    const srv = await target(mode);
    const { dataDir, batches } = await stationWith(2);
    const credFile = join(tempDir('cred-'), 'province.json');
    const secret = mode === 'dvc-bo' ? CLIENT.secret : ACCOUNT.secret;
    writeFileSync(credFile, JSON.stringify(mode === 'dvc-bo' ? { clientId: CLIENT.name, clientSecret: CLIENT.secret } : { username: ACCOUNT.name, password: ACCOUNT.secret }));
    const conf = await cli(dataDir, ['sync', 'configure', '--adapter', mode, '--server', srv.url, '--agency', 'H15.50', '--credentials-file', credFile]);
    expect(conf.code, conf.stderr + conf.stdout).toBe(0);
    const test = await cli(dataDir, ['sync', 'test']);
    expect(test.code, test.stderr + test.stdout).toBe(0);
    expect(test.stdout).toContain('HTTP 200');
    const now = await cli(dataDir, ['sync', 'now', '--json']);
    expect(now.code, now.stderr + now.stdout).toBe(0);
    expect((JSON.parse(now.stdout) as { synced: number }).synced).toBe(2);

    const st = Station.open({ dataDir, holder: 'test' });
    cleanups.push(() => st.close());
    const state = srv.state();
    expect(state.dossiers).toHaveLength(2);
    for (const b of batches) {
      const d = getDossier(st.store, b.dossierId)!;
      expect(d.state).toBe('synced');
      const s = state.dossiers.find((x) => x.dossierCode === d.serverCode)!;
      expect(s.files.map((f) => f.sha256).sort()).toEqual([...b.hashes].sort());
    }
    for (const f of state.files.filter((x) => x.attached)) {
      expect(createHash('sha256').update(readFileSync(join(srv.dataDir, 'files', f.sha256))).digest('hex')).toBe(f.sha256);
    }
    for (const text of [conf.stdout, conf.stderr, test.stdout, now.stdout, now.stderr, logsText(dataDir)]) expect(text).not.toContain(secret);
  });
});

describe('transport safety', () => {
  it('refuses to configure or sync to an http:// server that is not loopback, with INSECURE_TRANSPORT', async () => {
    const { dataDir } = await stationWith(1);
    const conf = await cli(dataDir, ['sync', 'configure', '--server', 'http://onestop.example.gov.vn/', '--json']);
    expect(conf.code).toBe(1);
    expect(conf.stdout + conf.stderr).toContain('INSECURE_TRANSPORT');
    // A setting written before this rule existed is refused by the engine too; nothing leaves, nothing is lost.
    const st = Station.open({ dataDir, holder: 'test' });
    cleanups.push(() => st.close());
    writeSyncSettings(st.store, { server: 'http://10.0.0.7:8080/', agencyCode: 'H15.50' }, null);
    st.store.run(sql`INSERT OR REPLACE INTO setting (key, value_json, updated_at) VALUES ('sync.credentials', ${JSON.stringify({ clientId: 'a', clientSecret: 'b' })}, ${new Date().toISOString()})`);
    await syncEngineFor(st).syncNow();
    const s = syncEngineFor(st).status();
    expect(s.lastErrorCode).toBe('INSECURE_TRANSPORT');
    expect(s.pendingDossiers).toBe(1);
  });
});

describe('sohoa export', () => {
  it('writes a zip whose PDFs hash to their blobs, with a manifest listing every scored field and a DVCQG record', async () => {
    const { dataDir, batches } = await stationWith(1);
    const out = join(tempDir('export-'), 'ho-so.zip');
    const r = await cli(dataDir, ['export', batches[0]!.dossierId, '--out', out, '--json']);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    const zip = await JSZip.loadAsync(readFileSync(out));
    const pdfs = Object.keys(zip.files).filter((n) => n.endsWith('.pdf'));
    expect(pdfs).toHaveLength(batches[0]!.hashes.length);
    const st = Station.open({ dataDir, holder: 'test' });
    cleanups.push(() => st.close());
    const got: string[] = [];
    for (const n of pdfs) {
      expect(n).toMatch(/^KS-[A-Z]+_[^<>:"/\\|?*]+\.pdf$/);
      const bytes = await zip.file(n)!.async('nodebuffer');
      const h = createHash('sha256').update(bytes).digest('hex');
      expect(st.blobs.get(h, { verify: true }).equals(bytes)).toBe(true); // the blob at that content address
      got.push(h);
    }
    expect(got.sort()).toEqual([...batches[0]!.hashes].sort());
    const manifest = JSON.parse(await zip.file('manifest.json')!.async('string')) as { components: Record<string, unknown>[] } & Record<string, unknown>;
    for (const k of ['MaTTHC', 'KenhThucHien', 'LoaiDoiTuong', 'DinhDanhCHS', 'HoSoCoThanhPhanSoHoa', 'TrichYeuHoSo']) expect(manifest, k).toHaveProperty(k);
    for (const c of manifest.components) {
      for (const k of ['MaThanhPhanHoSo', 'DuocSoHoa', 'DuocTaiSuDung', 'DuocLayTuKhoDMQG', 'MaKetQuaThayThe', 'MaGiayToKetQua', 'LoaiBan']) expect(c, k).toHaveProperty(k);
    }
    const listed = manifest.components.flatMap((c) => (c.files as { sha256: string; file: string }[]).map((f) => f.sha256));
    expect(listed.sort()).toEqual([...batches[0]!.hashes].sort());
    const qg = JSON.parse(await zip.file('dvcqg.json')!.async('string')) as { data: { TaiLieuNop: { DuongDanTaiTepTin: string; DuocSoHoa: string }[] }[] };
    expect(qg.data[0]!.TaiLieuNop.map((t) => t.DuongDanTaiTepTin).sort()).toEqual(pdfs.sort());
    expect(qg.data[0]!.TaiLieuNop.every((t) => t.DuocSoHoa === '1')).toBe(true);
  });

  it('refuses to export a document whose blob no longer matches its hash (BLOB_CORRUPT), and exports a day as folders', async () => {
    const { dataDir, batches } = await stationWith(2);
    const day = new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10);
    const dir = tempDir('export-day-');
    const ok = await cli(dataDir, ['export', '--day', day, '--out', dir, '--json']);
    expect(ok.code, ok.stderr + ok.stdout).toBe(0);
    expect((JSON.parse(ok.stdout) as { dossiers: string[] }).dossiers.sort()).toEqual(batches.map((b) => b.dossierId).sort());
    expect(readdirSync(dir)).toHaveLength(2);
    const st = Station.open({ dataDir, holder: 'test' });
    const victim = st.blobs.pathOf(batches[0]!.hashes[0]!);
    await st.close();
    const bytes = readFileSync(victim);
    bytes[bytes.length - 10] = (bytes[bytes.length - 10] ?? 0) ^ 0xff;
    writeFileSync(victim, bytes);
    const bad = await cli(dataDir, ['export', batches[0]!.dossierId, '--out', join(tempDir('export-'), 'x.zip'), '--json']);
    expect(bad.code).toBe(1);
    expect(bad.stdout + bad.stderr).toContain('BLOB_CORRUPT');
  });
});
