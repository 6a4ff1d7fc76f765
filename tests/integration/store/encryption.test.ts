import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { StationError } from '../../../electron/common/errors';
import { createStationServices } from '../../../electron/core/service/stationServices';
import { readKeys, recoveryFile } from '../../../electron/core/security/keys';
import { Station } from '../../../electron/core/station/station';
import { appendAudit } from '../../../electron/core/store/audit';
import { BlobStore } from '../../../electron/core/store/blobs';
import { sql } from '../../../electron/core/store/sql';
import { runCli, SOHOA_BIN, ROOT } from '../../helpers/cli';
import { filesContaining, openStationDb } from '../../helpers/stationDb';
import { cliSignIn, signedInClient } from '../../helpers/session';
import { tempDir } from '../../helpers/tmp';

const CCCD = '079203004567';
const NAME = 'Trần Thị Bích Ngọc';
const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

function expectCode(fn: () => unknown, code: string): void {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(StationError);
    expect((err as StationError).code).toBe(code);
    return;
  }
  throw new Error(`expected ${code}`);
}

/** A station of the earlier, plaintext kind holding one dossier, audit rows and `n` blobs naming the owner. */
async function plaintextStation(n: number): Promise<{ dataDir: string; dossierId: string; blobs: string[] }> {
  const dataDir = tempDir('sohoa-plain-');
  const st = Station.open({ dataDir, holder: 'test', keys: null });
  try {
    const client = await signedInClient(st, createStationServices(st).dispatcher);
    const d = await client.call('dossiers.create', { procedureCode: '1.001193', ownerId: CCCD, ownerName: NAME });
    if (!d.ok) throw new Error(JSON.stringify(d.error));
    const blobs: string[] = [];
    for (let i = 0; i < n; i++) {
      // A page-sized blob that names the owner in clear, like a PDF's text or metadata would.
      const body = Buffer.concat([Buffer.from(`%PDF-1.4 trang ${i} chủ hồ sơ ${NAME} CCCD ${CCCD}\n`), Buffer.alloc(64 * 1024, i)]);
      blobs.push(st.blobs.putBuffer(body).sha256);
    }
    expect(readFileSync(join(dataDir, 'station.db')).subarray(0, 15).toString('latin1')).toBe('SQLite format 3');
    return { dataDir, dossierId: d.value.id, blobs };
  } finally {
    await st.close();
  }
}

async function expectWhole(dataDir: string, dossierId: string, blobs: string[]): Promise<void> {
  const st = Station.open({ dataDir, holder: 'test' });
  try {
    expect(st.protection.encrypted).toBe(true);
    const client = await signedInClient(st, createStationServices(st).dispatcher);
    const d = await client.call('dossiers.get', { id: dossierId });
    expect(d.ok && d.value.ownerId).toBe(CCCD);
    for (const b of blobs) expect(sha(st.blobs.get(b, { verify: true }))).toBe(b);
  } finally {
    await st.close();
  }
  expect(readFileSync(join(dataDir, 'station.db')).subarray(0, 15).toString('latin1')).not.toBe('SQLite format 3');
  expect(filesContaining(dataDir, CCCD)).toEqual([]);
  expect(filesContaining(dataDir, NAME)).toEqual([]);
}

describe('encryption at rest', () => {
  it('stores blobs encrypted: no plaintext in the file, verified reads, an altered byte fails the tag', async () => {
    const key = Buffer.alloc(32, 9);
    const store = new BlobStore(join(tempDir(), 'blobs'), key);
    const data = Buffer.from(`Giấy khai sinh — CCCD ${CCCD}`);
    const r = store.putBuffer(data);
    expect(r.sha256).toBe(sha(data)); // the address stays the plaintext's hash
    const file = readFileSync(store.pathOf(r.sha256));
    expect(file.includes(Buffer.from(CCCD))).toBe(false);
    expect(file.subarray(0, 4).toString('latin1')).toBe('SHB1');
    expect(store.get(r.sha256, { verify: true }).equals(data)).toBe(true);
    expect(store.putBuffer(data).created).toBe(false);
    const big = Buffer.alloc(3 * 1024 * 1024 + 17, 3);
    const spool = join(tempDir(), 'page.pnm');
    writeFileSync(spool, big);
    const put = await store.putFile(spool, { move: true });
    expect(existsSync(spool)).toBe(false);
    expect(await store.verify(put.sha256)).toBe(true);
    expect(await store.withPlainFile(put.sha256, (p) => readFileSync(p).equals(big))).toBe(true);
    expect(readdirSync(join(store.root, 'tmp'))).toEqual([]); // the plain copy is gone after use
    const tampered = Buffer.from(file);
    tampered[tampered.length - 20]! ^= 1;
    writeFileSync(store.pathOf(r.sha256), tampered);
    expectCode(() => store.get(r.sha256), 'BLOB_CORRUPT');
    expect(await store.verify(r.sha256)).toBe(false);
    expectCode(() => new BlobStore(store.root, Buffer.alloc(32, 8)).get(put.sha256), 'BLOB_CORRUPT'); // another key
  });

  it('a new station encrypts its database and keeps a 0600 key beside (not inside) the data directory', async () => {
    const dataDir = tempDir('sohoa-enc-');
    // The first command (here IT's sign-in set-up) creates the station and shows the recovery key once.
    expect(cliSignIn(dataDir).stderr).toMatch(/RECOVERY KEY[\s\S]*[A-Z2-9]{4}(-[A-Z2-9]{4}){12}/);
    const r = runCli(['dossier', 'create', '--procedure', '1.001193', '--owner', CCCD, '--owner-name', NAME, '--json'], { SOHOA_DATA_DIR: dataDir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/RECOVERY KEY/);
    const again = runCli(['dossier', 'list', '--json'], { SOHOA_DATA_DIR: dataDir });
    expect(again.code).toBe(0);
    expect(again.stderr).not.toMatch(/RECOVERY KEY/);
    expect(JSON.parse(again.stdout)).toEqual(expect.arrayContaining([expect.objectContaining({ ownerId: CCCD })]));
    expect(readFileSync(join(dataDir, 'station.db')).subarray(0, 15).toString('latin1')).not.toBe('SQLite format 3');
    const keyFile = `${dataDir}.key`;
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(existsSync(recoveryFile(dataDir))).toBe(true);
    expect(filesContaining(dataDir, CCCD)).toEqual([]);
    const doctor = JSON.parse(runCli(['doctor', '--json'], { SOHOA_DATA_DIR: dataDir }).stdout) as { checks: { id: string; status: string; detail?: string }[] };
    expect(doctor.checks.find((c) => c.id === 'encryption')).toMatchObject({ status: 'ok', detail: expect.stringContaining('user-file') });
    expect(doctor.checks.find((c) => c.id === 'audit-chain')).toMatchObject({ status: 'ok' });
  });

  it('without its key an encrypted station refuses to open (KEY_MISSING), and `sohoa key recover` restores it', () => {
    const dataDir = tempDir('sohoa-enc-lost-');
    const first = cliSignIn(dataDir);
    expect(runCli(['dossier', 'create', '--procedure', '1.001193', '--owner', CCCD, '--json'], { SOHOA_DATA_DIR: dataDir }).code).toBe(0);
    const recovery = /([A-Z2-9]{4}(?:-[A-Z2-9]{4}){12})/.exec(first.stderr)![1]!;
    const keyFile = `${dataDir}.key`;
    const original = readFileSync(keyFile);
    rmSync(keyFile);
    const refused = runCli(['dossier', 'list', '--json'], { SOHOA_DATA_DIR: dataDir });
    expect(refused.code).toBe(1);
    expect(JSON.parse(refused.stdout)).toMatchObject({ ok: false, error: { code: 'KEY_MISSING' } });
    expect(existsSync(keyFile)).toBe(false); // never a new key over encrypted data
    const wrong = runCli(['key', 'recover', '--recovery-key-env', 'RK', '--json'], { SOHOA_DATA_DIR: dataDir, RK: 'AAAA-BBBB' });
    expect(JSON.parse(wrong.stdout)).toMatchObject({ ok: false, error: { code: 'KEY_INVALID' } });
    const fixed = runCli(['key', 'recover', '--recovery-key-env', 'RK'], { SOHOA_DATA_DIR: dataDir, RK: recovery.toLowerCase() });
    expect(fixed.code, fixed.stderr).toBe(0);
    expect(readFileSync(keyFile).equals(original)).toBe(true);
    expect(runCli(['dossier', 'list', '--json'], { SOHOA_DATA_DIR: dataDir }).code).toBe(0);
  });

  it('migrates a plaintext station in place: database and every blob, nothing in clear afterwards', async () => {
    const { dataDir, dossierId, blobs } = await plaintextStation(3);
    expect(filesContaining(dataDir, CCCD).length).toBeGreaterThan(0); // the earlier kind: in clear
    await expectWhole(dataDir, dossierId, blobs);
  });

  it('a kill at any step of the plaintext → encrypted migration leaves a station that opens with every page', async () => {
    const steps = ['encrypt-db-before-rename', 'encrypt-blob-1-before-rename', 'encrypt-blob-2', 'encrypt-blob-4'];
    for (const step of steps) {
      const { dataDir, dossierId, blobs } = await plaintextStation(5);
      const child = spawn(process.execPath, [SOHOA_BIN, 'dossier', 'list', '--json'], {
        cwd: ROOT,
        env: { ...process.env, SOHOA_DATA_DIR: dataDir, SOHOA_TEST_PAUSE_AT: step },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      // Wait on state: the child says it reached the step, then it is killed there (a power cut).
      await new Promise<void>((resolve, reject) => {
        let err = '';
        child.stderr!.on('data', (c: Buffer) => {
          err += c.toString();
          if (err.includes(`SOHOA_PAUSED ${step}`)) resolve();
        });
        child.on('exit', (code) => reject(new Error(`child ended (${code}) before ${step}: ${err}`)));
      });
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
      await expectWhole(dataDir, dossierId, blobs);
    }
  });

  it('detects an audit row changed by someone holding the database key, at the next start and in doctor', async () => {
    const dataDir = tempDir('sohoa-audit-');
    const st = Station.open({ dataDir, holder: 'test' });
    for (let i = 0; i < 5; i++) appendAudit(st.store, { actor: 'u-lan', action: 'page.view', subjectType: 'page', subjectId: `P${i}` });
    expect(st.protection.auditBrokenAt).toBeNull();
    await st.close();
    cliSignIn(dataDir); // the export below is an admin's StationApi call
    expect(JSON.parse(runCli(['doctor', '--json'], { SOHOA_DATA_DIR: dataDir }).stdout).checks.find((c: { id: string }) => c.id === 'audit-chain')).toMatchObject({ status: 'ok' });

    // The intruder opens the database with its key, drops the append-only trigger, rewrites a row and
    // recomputes the plain sha256 chain, then puts the trigger back.
    const db = openStationDb(dataDir);
    db.exec('DROP TRIGGER audit_event_no_update');
    const rows = db.prepare('SELECT * FROM audit_event ORDER BY seq').all() as { seq: number; at: string; actor: string | null; action: string; subject_type: string | null; subject_id: string | null; details_json: string }[];
    let prev = '0'.repeat(64);
    for (const r of rows) {
      const actor = r.seq === 3 ? 'u-minh' : r.actor;
      const h = createHash('sha256').update(prev).update(JSON.stringify([r.seq, r.at, actor, r.action, r.subject_type, r.subject_id, r.details_json])).digest('hex');
      db.prepare('UPDATE audit_event SET actor = ?, prev_hash = ?, hash = ? WHERE seq = ?').run(actor, prev, h, r.seq);
      prev = h;
    }
    db.exec("CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END;");
    db.close();

    const reopened = Station.open({ dataDir, holder: 'test' });
    try {
      expect(reopened.protection.auditBrokenAt).not.toBeNull();
      const info = await (await signedInClient(reopened, createStationServices(reopened).dispatcher)).call('station.info', {});
      expect(info.ok && info.value.auditBrokenAt).toBeGreaterThan(0);
    } finally {
      await reopened.close();
    }
    const doc = JSON.parse(runCli(['doctor', '--json'], { SOHOA_DATA_DIR: dataDir }).stdout) as { ok: boolean; checks: { id: string; status: string; detail?: string }[] };
    expect(doc.checks.find((c) => c.id === 'audit-chain')).toMatchObject({ status: 'error', detail: expect.stringContaining('AUDIT_CHAIN_BROKEN') });
    expect(doc.ok).toBe(false);
    const exp = runCli(['audit', 'export', '--from', '2000-01-01', '--to', '2100-01-01'], { SOHOA_DATA_DIR: dataDir });
    expect(exp.code).toBe(3);
    expect(exp.stderr).toContain('AUDIT_CHAIN_BROKEN');
  });

  it('exports the access log of a period for an inspector, itself logged', async () => {
    const dataDir = tempDir('sohoa-audit-exp-');
    const st = Station.open({ dataDir, holder: 'test' });
    appendAudit(st.store, { actor: 'u-lan', action: 'dossier.view', subjectType: 'dossier', subjectId: 'D1' }, '2026-03-02T01:00:00.000Z');
    appendAudit(st.store, { actor: 'u-lan', action: 'dossier.view', subjectType: 'dossier', subjectId: 'D2' }, '2026-03-05T01:00:00.000Z');
    await st.close();
    cliSignIn(dataDir);
    expect(runCli(['dossier', 'list', '--json'], { SOHOA_DATA_DIR: dataDir }).code).toBe(0); // a read of personal data
    const out = join(tempDir(), 'audit.jsonl');
    const r = runCli(['audit', 'export', '--from', '2026-03-01', '--to', '2026-03-02', '--out', out], { SOHOA_DATA_DIR: dataDir });
    expect(r.code, r.stderr).toBe(0);
    const lines = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines[0]).toMatchObject({ type: 'check', brokenAt: null });
    expect(lines.slice(1).map((l) => l.subject_id)).toEqual(['D1']);
    const st2 = Station.open({ dataDir, holder: 'test' });
    try {
      // After the sign-in's own events (account, session): the list and the export, in order.
      const later = st2.store.all<{ action: string }>(sql`SELECT action FROM audit_event WHERE seq > 2 ORDER BY seq`).map((r) => r.action);
      expect(later.filter((x) => !x.startsWith('account.') && !x.startsWith('session.'))).toEqual(['dossier.list', 'audit.export']);
      expect(readKeys(dataDir)).toBeDefined();
    } finally {
      await st2.close();
    }
  });
});
