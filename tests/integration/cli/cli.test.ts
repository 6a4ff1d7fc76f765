import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ROOT, runCli, startService, type RunningService } from '../../helpers/cli';
import { openStationDb } from '../../helpers/stationDb';
import { tempDir } from '../../helpers/tmp';

const services: RunningService[] = [];
afterEach(async () => {
  for (const s of services.splice(0)) await s.stop();
});

function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out[p] = readFileSync(p).toString('base64');
    }
  };
  walk(dir);
  return out;
}

describe('sohoa CLI', () => {
  it('prints --help and --version, exit 0', () => {
    const help = runCli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('dossier create');
    expect(help.stdout).toContain('Exit codes');
    const v = runCli(['--version']);
    expect(v.code).toBe(0);
    expect(v.stdout.trim()).toBe((JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version);
  });

  it('refuses an unknown flag or command with exit 2 and touches nothing', () => {
    const dir = tempDir();
    const r = runCli(['dossier', 'list', '--bogus'], { SOHOA_DATA_DIR: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--bogus');
    expect(runCli(['frobnicate'], { SOHOA_DATA_DIR: dir }).code).toBe(2);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('doctor --json reports each external tool and the schema version', () => {
    const dir = tempDir();
    runCli(['dossier', 'list'], { SOHOA_DATA_DIR: dir });
    const r = runCli(['doctor', '--json'], { SOHOA_DATA_DIR: dir });
    expect([0, 3]).toContain(r.code);
    const report = JSON.parse(r.stdout) as {
      ok: boolean;
      schema: { fileVersion: number; codeVersion: number };
      checks: { id: string; kind: string; status: string }[];
    };
    expect(report.schema.fileVersion).toBe(report.schema.codeVersion);
    const ids = report.checks.map((c) => c.id);
    for (const tool of ['scanimage', 'ghostscript', 'pdfsig', 'java', 'pdfbox', 'softhsm', 'tesseract', 'better-sqlite3-multiple-ciphers', 'sharp', 'disk']) {
      expect(ids).toContain(tool);
    }
    expect(report.checks.find((c) => c.id === 'scanimage')?.kind).toBe('runtime');
    expect(report.checks.find((c) => c.id === 'pdfsig')?.kind).toBe('test');
    expect(report.checks.find((c) => c.id === 'better-sqlite3-multiple-ciphers')?.status).toBe('ok');
    expect(r.code === 0).toBe(report.ok);
  });

  it('creates, lists and shows a dossier in-process, printing the ids later commands take', () => {
    const dir = tempDir();
    const env = { SOHOA_DATA_DIR: dir };
    const created = runCli(['dossier', 'create', '--procedure', '1.001193', '--owner', '001099012345', '--owner-name', 'Lê Thị Hoa', '--json'], env);
    expect(created.code, created.stderr).toBe(0);
    const d = JSON.parse(created.stdout) as { id: string; components: { id: string; typeCode: string }[] };
    expect(d.id).toMatch(/^[A-Z0-9]+-[0-9A-Z]{26}$/);
    expect(d.components.length).toBeGreaterThan(0);
    const list = JSON.parse(runCli(['dossier', 'list', '--json'], env).stdout) as { id: string; ownerName: string }[];
    expect(list.map((x) => x.id)).toEqual([d.id]);
    expect(list[0]!.ownerName).toBe('Lê Thị Hoa');
    const shown = runCli(['dossier', 'show', d.id], env);
    expect(shown.code).toBe(0);
    for (const c of d.components) expect(shown.stdout).toContain(c.id);
    expect(statSync(dir).mode & 0o077).toBe(0);
  });

  it('answers a bad owner id with a coded error (exit 1) and stores nothing', () => {
    const dir = tempDir();
    const r = runCli(['dossier', 'create', '--procedure', '1.001193', '--owner', '999099012345', '--json'], { SOHOA_DATA_DIR: dir });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, error: { code: 'INVALID_OWNER_ID' } });
    expect(JSON.parse(runCli(['dossier', 'list', '--json'], { SOHOA_DATA_DIR: dir }).stdout)).toEqual([]);
  });

  it('goes through the running service when one holds the data directory (one writer)', async () => {
    const dir = tempDir();
    const svc = await startService(dir);
    services.push(svc);
    const r = runCli(['dossier', 'create', '--procedure', '1.000894', '--owner', '0101234567', '--json'], { SOHOA_DATA_DIR: dir });
    expect(r.code, r.stderr).toBe(0);
    const id = (JSON.parse(r.stdout) as { id: string }).id;
    const res = await fetch(new URL('api/dossiers.list', svc.url), { method: 'POST', headers: { Authorization: `Bearer ${svc.token}` }, body: '{}' });
    const body = (await res.json()) as { ok: boolean; value: { id: string }[] };
    expect(body.value.map((x) => x.id)).toContain(id);
  });

  it('refuses to open a database from a newer version, leaving it byte-identical', () => {
    const dir = tempDir();
    runCli(['dossier', 'list'], { SOHOA_DATA_DIR: dir });
    const db = join(dir, 'station.db');
    const raw = openStationDb(dir);
    raw.pragma('user_version = 9999');
    raw.close();
    const before = readFileSync(db);
    const r = runCli(['dossier', 'list', '--json'], { SOHOA_DATA_DIR: dir });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ error: { code: 'DB_NEWER_THAN_CODE' } });
    expect(readFileSync(db).equals(before)).toBe(true);
    const doc = JSON.parse(runCli(['doctor', '--json'], { SOHOA_DATA_DIR: dir }).stdout) as { schema: { fileVersion: number; status: string } };
    expect(doc.schema).toMatchObject({ fileVersion: 9999, status: 'error' });
  });

  it('reports a corrupt database file with DB_CORRUPT and changes nothing on disk', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'station.db'), Buffer.alloc(4096, 0x42));
    const before = snapshot(dir);
    const r = runCli(['dossier', 'list', '--json'], { SOHOA_DATA_DIR: dir });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ error: { code: 'DB_CORRUPT' } });
    const after = snapshot(dir);
    expect(after[join(dir, 'station.db')]).toBe(before[join(dir, 'station.db')]);
  });

  it('reports a read-only data directory as DATA_DIR_UNWRITABLE (run as an unprivileged user)', () => {
    const dir = tempDir();
    chmodSync(dir, 0o755);
    const ro = join(dir, 'ro');
    mkdirSync(ro, { mode: 0o555 });
    chmodSync(ro, 0o555);
    // root ignores permissions: run the CLI as nobody, who may read the project but not write ro/.
    const r = spawnSync(
      'setpriv',
      ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, join(ROOT, 'bin/sohoa.mjs'), 'dossier', 'list', '--json'],
      { env: { ...process.env, SOHOA_DATA_DIR: ro, HOME: '/tmp' }, encoding: 'utf8', cwd: '/tmp', timeout: 60_000 },
    );
    expect(r.status, r.stderr).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, error: { code: 'DATA_DIR_UNWRITABLE' } });
    expect(readdirSync(ro)).toEqual([]);
  });
});
