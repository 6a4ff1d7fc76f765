import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { api, ROOT, runCli, SOHOA_BIN, startService, TEST_ADMIN, type RunningService } from '../../helpers/cli';
import { cliSignIn } from '../../helpers/session';
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
    cliSignIn(dir);
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
    cliSignIn(dir);
    const r = runCli(['dossier', 'create', '--procedure', '1.001193', '--owner', '999099012345', '--json'], { SOHOA_DATA_DIR: dir });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, error: { code: 'INVALID_OWNER_ID' } });
    expect(JSON.parse(runCli(['dossier', 'list', '--json'], { SOHOA_DATA_DIR: dir }).stdout)).toEqual([]);
  });

  it('goes through the running service when one holds the data directory (one writer)', async () => {
    const dir = tempDir();
    cliSignIn(dir);
    const svc = await startService(dir);
    services.push(svc);
    const r = runCli(['dossier', 'create', '--procedure', '1.000894', '--owner', '0101234567', '--json'], { SOHOA_DATA_DIR: dir });
    expect(r.code, r.stderr).toBe(0);
    const id = (JSON.parse(r.stdout) as { id: string }).id;
    const body = (await api(svc, 'dossiers.list', {})).body as { ok: boolean; value: { id: string }[] };
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

describe('sohoa CLI sign-in', () => {
  it('refuses StationApi commands without a session (exit 1, SIGN_IN_REQUIRED) in-process and over the bridge', async () => {
    const dir = tempDir();
    const inProcess = runCli(['dossier', 'list', '--json'], { SOHOA_DATA_DIR: dir });
    expect(inProcess.code).toBe(1);
    expect(JSON.parse(inProcess.stdout)).toMatchObject({ ok: false, error: { code: 'SIGN_IN_REQUIRED' } });
    const svc = await startService(dir);
    services.push(svc);
    const viaBridge = runCli(['dossier', 'create', '--procedure', '1.001193', '--owner', '001099012345', '--json'], { SOHOA_DATA_DIR: dir });
    expect(viaBridge.code).toBe(1);
    expect(JSON.parse(viaBridge.stdout)).toMatchObject({ ok: false, error: { code: 'SIGN_IN_REQUIRED' } });
    expect(JSON.parse(runCli(['report', '--from', '2026-01-01', '--to', '2026-01-02', '--json'], { SOHOA_DATA_DIR: dir }).stdout)).toMatchObject({ error: { code: 'SIGN_IN_REQUIRED' } });
  });

  it('signs in with the password from a file descriptor, keeps the session in a 0600 file, and never takes a password flag', () => {
    const dir = tempDir();
    const env = { SOHOA_DATA_DIR: dir, PW: TEST_ADMIN.password };
    expect(runCli(['admin', 'reset-password', '--user', TEST_ADMIN.username, '--password-env', 'PW'], env).code).toBe(0);
    expect(runCli(['login', '--user', TEST_ADMIN.username, '--password', TEST_ADMIN.password], env).code).toBe(2);
    const wrong = spawnSync(process.execPath, [SOHOA_BIN, 'login', '--user', TEST_ADMIN.username, '--password-fd', '0', '--json'], { cwd: ROOT, env: { ...process.env, ...env }, input: 'not-the-password\n', encoding: 'utf8' });
    expect(wrong.status).toBe(1);
    expect(JSON.parse(wrong.stdout)).toMatchObject({ error: { code: 'SIGN_IN_FAILED' } });
    const ok = spawnSync(process.execPath, [SOHOA_BIN, 'login', '--user', TEST_ADMIN.username, '--password-fd', '0', '--json'], { cwd: ROOT, env: { ...process.env, ...env }, input: `${TEST_ADMIN.password}\n`, encoding: 'utf8' });
    expect(ok.status, ok.stderr).toBe(0);
    const file = (JSON.parse(ok.stdout) as { sessionFile: string }).sessionFile;
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8')).not.toContain(TEST_ADMIN.password);
    expect(JSON.parse(ok.stdout)).toMatchObject({ mustChangePassword: true });
    const who = JSON.parse(runCli(['whoami', '--json'], env).stdout) as { user: { login: string; role: string }; mustChangePassword: boolean };
    expect(who).toMatchObject({ user: { login: TEST_ADMIN.username, role: 'admin' }, mustChangePassword: true });
    // The recovery password is temporary: nothing but `sohoa password` (and whoami/logout) answers until it is changed.
    expect(JSON.parse(runCli(['dossier', 'list', '--json'], env).stdout)).toMatchObject({ error: { code: 'PASSWORD_CHANGE_REQUIRED' } });
    const same = runCli(['password', '--password-env', 'PW', '--new-password-env', 'PW', '--json'], env);
    expect(JSON.parse(same.stdout)).toMatchObject({ error: { code: 'PASSWORD_REUSED' } });
    const changed = runCli(['password', '--password-env', 'PW', '--new-password-env', 'NEW_PW'], { ...env, NEW_PW: 'a-new-password-1' });
    expect(changed.code, changed.stderr).toBe(0);
    expect(runCli(['dossier', 'list'], env).code).toBe(0);
    expect(runCli(['logout'], env).code).toBe(0);
    expect(JSON.parse(runCli(['dossier', 'list', '--json'], env).stdout)).toMatchObject({ error: { code: 'SIGN_IN_REQUIRED' } });
  });

  it('a clerk signed in on the CLI is refused admin commands (403 FORBIDDEN as exit 1)', () => {
    const dir = tempDir();
    cliSignIn(dir);
    const env = { SOHOA_DATA_DIR: dir, PW: 'clerk-password-1' };
    expect(runCli(['account', 'add', '--user', 'canbo1', '--name', 'Lê Văn Cán', '--role', 'clerk', '--password-env', 'PW'], env).code).toBe(0);
    expect(runCli(['login', '--user', 'canbo1', '--password-env', 'PW'], env).code).toBe(0);
    // An account an admin made starts with a temporary password: the clerk sets their own first.
    expect(runCli(['password', '--password-env', 'PW', '--new-password-env', 'NEW_PW'], { ...env, NEW_PW: 'clerk-own-password-2' }).code).toBe(0);
    for (const args of [
      ['sync', 'configure', '--agency', 'H15.50', '--json'],
      ['account', 'list', '--json'],
      ['catalogue', 'load', join(ROOT, 'resources', 'catalogue', 'procedures.json'), '--json'],
    ]) {
      const r = runCli(args, env);
      expect(r.code, args.join(' ')).toBe(1);
      expect(JSON.parse(r.stdout), args.join(' ')).toMatchObject({ error: { code: 'FORBIDDEN' } });
    }
  });
});
