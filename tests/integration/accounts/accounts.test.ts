import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { METHOD_NAMES, stationApi } from '../../../electron/common/api';
import { parseHash, verifyPassword } from '../../../electron/core/accounts/password';
import { newSetupCode } from '../../../electron/core/accounts/service';
import type { Dispatcher } from '../../../electron/core/service/dispatcher';
import { createStationServices } from '../../../electron/core/service/stationServices';
import { prepareFirstRun } from '../../../electron/core/station/firstRun';
import { Station } from '../../../electron/core/station/station';
import { sql } from '../../../electron/core/store/sql';
import { signInAs } from '../../helpers/session';
import { tempDir } from '../../helpers/tmp';
import { makePdfA } from '../../signing-infra/pdfs';

// Accounts, sessions and roles through the Dispatcher with a real station data directory: the checks every
// transport (bridge, Electron IPC, CLI in-process) goes through.

const open: Station[] = [];
afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
});

function openStation(demo = false): { station: Station; d: Dispatcher } {
  const station = Station.open({ dataDir: tempDir('sohoa-accounts-'), demo, holder: 'test' });
  open.push(station);
  return { station, d: createStationServices(station).dispatcher };
}

const code = (r: { ok: boolean; error?: { code: string } }): string => (r.ok ? 'ok' : r.error!.code);

describe('sessions and roles at the dispatcher', () => {
  it('refuses every non-public method without a session, for any transport name', async () => {
    const { d } = openStation();
    for (const via of ['http', 'ipc', 'cli']) {
      for (const m of METHOD_NAMES) {
        if ((stationApi[m] as { public?: true }).public) continue;
        expect([via, m, code(await d.invoke(m, {}, { via }))]).toEqual([via, m, 'SIGN_IN_REQUIRED']);
      }
    }
  });

  it('creates the first admin only with the one-time setup code, then never again', async () => {
    const { station, d } = openStation();
    expect(code(await d.invoke('station.health', {}, { via: 'http' }))).toBe('ok');
    const setupCode = newSetupCode(station)!;
    const params = { username: 'admin1', displayName: 'Quản trị', password: 'first-admin-pw' };
    expect(code(await d.invoke('auth.setup', { ...params, code: 'wrong-code-123' }, { via: 'http' }))).toBe('SETUP_CODE_INVALID');
    expect(code(await d.invoke('auth.setup', { ...params, code: setupCode }, { via: 'http' }))).toBe('ok');
    expect(code(await d.invoke('auth.setup', { ...params, username: 'admin2', code: setupCode }, { via: 'http' }))).toBe('SETUP_DONE');
    expect(newSetupCode(station)).toBeNull();
    // The hash carries its scrypt parameters; the password itself is stored nowhere.
    const row = station.store.get<{ password_hash: string }>(sql`SELECT password_hash FROM user WHERE login = 'admin1'`)!;
    expect(parseHash(row.password_hash)).toMatchObject({ N: 32768, r: 8, p: 1 });
    expect(await verifyPassword('first-admin-pw', row.password_hash)).toBe(true);
    expect(JSON.stringify(station.store.all(sql`SELECT * FROM audit_event`))).not.toContain('first-admin-pw');
  });

  it('locks an idle session (only unlock, who-am-I and sign-out answer) and unlocks it with the same password', async () => {
    const { station, d } = openStation();
    const clerk = await signInAs(station, 'clerk');
    expect(code(await d.invoke('dossiers.list', {}, clerk.caller))).toBe('ok');
    // Eleven minutes without a call (idle lock default 10).
    station.store.run(sql`UPDATE session SET last_seen_at = ${new Date(Date.now() - 11 * 60_000).toISOString()}`);
    expect(code(await d.invoke('dossiers.list', {}, clerk.caller))).toBe('SESSION_LOCKED');
    expect(await d.invoke('auth.whoami', {}, clerk.caller)).toMatchObject({ ok: true, value: { locked: true, user: { id: clerk.userId } } });
    expect(code(await d.invoke('auth.unlock', { password: 'wrong-password' }, clerk.caller))).toBe('SIGN_IN_FAILED');
    expect(code(await d.invoke('dossiers.list', {}, clerk.caller))).toBe('SESSION_LOCKED');
    const pw = station.store.get<{ n: number }>(sql`SELECT count(*) AS n FROM sign_in_attempt WHERE ok = 0`)!.n;
    expect(pw).toBe(1);
    // The clerk steps away: Lock now.
    station.store.run(sql`UPDATE session SET locked = 0, last_seen_at = ${new Date().toISOString()}`);
    expect(code(await d.invoke('auth.lock', {}, clerk.caller))).toBe('ok');
    expect(code(await d.invoke('dossiers.list', {}, clerk.caller))).toBe('SESSION_LOCKED');
    expect(code(await d.invoke('auth.signOut', {}, clerk.caller))).toBe('ok');
    expect(code(await d.invoke('auth.whoami', {}, clerk.caller))).toBe('SESSION_EXPIRED');
  });

  it('an admin password reset ends the clerk\'s sessions; a deactivated account cannot sign in; the last admin stays', async () => {
    const { station, d } = openStation();
    const admin = await signInAs(station, 'admin');
    const clerk = await signInAs(station, 'clerk');
    expect(code(await d.invoke('accounts.resetPassword', { id: clerk.userId, password: 'temporary-pw-1' }, clerk.caller))).toBe('FORBIDDEN');
    expect(code(await d.invoke('accounts.resetPassword', { id: clerk.userId, password: 'short' }, admin.caller))).toBe('PASSWORD_TOO_SHORT');
    expect(code(await d.invoke('accounts.resetPassword', { id: clerk.userId, password: 'temporary-pw-1' }, admin.caller))).toBe('ok');
    expect(code(await d.invoke('dossiers.list', {}, clerk.caller))).toBe('SESSION_EXPIRED');
    const again = await d.invoke('auth.signIn', { username: clerk.username, password: 'temporary-pw-1' }, { via: 'http' });
    expect(again).toMatchObject({ ok: true, value: { mustChangePassword: true } });
    expect(code(await d.invoke('accounts.update', { id: clerk.userId, active: false }, admin.caller))).toBe('ok');
    expect(code(await d.invoke('auth.signIn', { username: clerk.username, password: 'temporary-pw-1' }, { via: 'http' }))).toBe('SIGN_IN_FAILED');
    expect(code(await d.invoke('accounts.update', { id: admin.userId, role: 'clerk' }, admin.caller))).toBe('LAST_ADMIN');
  });

  it('refuses a UNC or network path for every path parameter with PATH_NOT_LOCAL', async () => {
    const { station, d } = openStation();
    const admin = (await signInAs(station, 'admin')).caller;
    const records = (await signInAs(station, 'records_clerk')).caller;
    const doc = '01ARZ3NDEKTSV4RRFFQ69G5FAV';
    const cases: [string, (p: string) => Record<string, unknown>, typeof admin][] = [
      ['documents.import path', (p) => ({ componentId: doc, path: p }), admin],
      ['documents.sign key.module', (p) => ({ documentId: doc, role: 'agency', key: { kind: 'pkcs11', module: p, tokenLabel: 't' }, pin: '1234' }), records],
      ['documents.sign key.path (.p12)', (p) => ({ documentId: doc, role: 'clerk', key: { kind: 'p12', path: p } }), records],
      ['documents.sign mark.sealPath', (p) => ({ documentId: doc, role: 'agency', key: { kind: 'p12', path: '/x.p12' }, mark: { visible: true, sealPath: p } }), records],
      ['signing.setConfig pkcs11Modules', (p) => ({ pkcs11Modules: [p] }), admin],
      ['signing.setConfig allowedTokenModules', (p) => ({ allowedTokenModules: [p] }), admin],
      ['signing.setConfig p12Files', (p) => ({ p12Files: [p] }), admin],
      ['sync.configure caFile', (p) => ({ caFile: p }), admin],
      ['dossiers.loadCatalogue file', (p) => ({ file: p }), admin],
    ];
    for (const unc of ['\\\\server\\share\\x', '//server/share/x', '\\\\?\\UNC\\server\\share\\x', '\\\\.\\UNC\\server\\share\\x', 'smb://server/share/x']) {
      for (const [name, params, who] of cases) {
        const method = name.split(' ')[0]!;
        const r = await d.invoke(method, params(unc), who);
        expect([name, unc, code(r)]).toEqual([name, unc, 'PATH_NOT_LOCAL']);
      }
    }
  });
});

describe('the real clerk in reports, audit and drafts', () => {
  it('the digitisation report and the audit log name the clerk who did the work; a clerk sees own drafts first', async () => {
    const { station, d } = openStation();
    const lan = await signInAs(station, 'clerk', 'Nguyễn Thị Lan');
    const minh = await signInAs(station, 'clerk', 'Trần Văn Minh');
    const pdf = await makePdfA(join(tempDir('sohoa-accounts-in-'), 'scan.pdf'), 1);
    const made: Record<string, string> = {};
    for (const who of [lan, minh, lan]) {
      const r = await d.invoke('dossiers.create', { procedureCode: '1.001193', ownerId: '001099012345', ownerName: 'Công dân' }, who.caller);
      const dossier = (r as { ok: true; value: { id: string; components: { id: string }[] } }).value;
      const imp = await d.invoke('documents.import', { componentId: dossier.components[0]!.id, path: pdf }, who.caller);
      expect(code(imp)).toBe('ok');
      made[dossier.id] = who.userId;
    }
    const today = new Date(Date.now() + 7 * 3_600_000).toISOString().slice(0, 10);
    const rep = await d.invoke('reports.digitisation', { from: today, to: today, period: 'all', byProcedure: false, byClerk: true }, minh.caller);
    const rows = (rep as { ok: true; value: { rows: { clerk: string; received: number }[] } }).value.rows;
    expect(rows.map((r) => [r.clerk, r.received])).toEqual([
      ['Nguyễn Thị Lan', 2],
      ['Trần Văn Minh', 1],
    ]);
    const audit = station.store.all<{ actor: string; action: string; subject_id: string }>(sql`SELECT actor, action, subject_id FROM audit_event WHERE action = 'dossier.create' ORDER BY seq`);
    expect(audit.map((a) => a.actor)).toEqual([lan.userId, minh.userId, lan.userId]);
    expect(audit.every((a) => made[a.subject_id] === a.actor)).toBe(true);
    const imports = station.store.all<{ actor: string }>(sql`SELECT actor FROM audit_event WHERE action LIKE 'document.import%' ORDER BY seq`);
    expect(imports.map((a) => a.actor)).toEqual([lan.userId, minh.userId, lan.userId]);
    // Minh's one draft comes first for Minh although it is not the newest.
    const list = (await d.invoke('dossiers.list', {}, minh.caller)) as { ok: true; value: { id: string }[] };
    expect(made[list.value[0]!.id]).toBe(minh.userId);
    const forLan = (await d.invoke('dossiers.list', {}, lan.caller)) as { ok: true; value: { id: string }[] };
    expect(forLan.value.slice(0, 2).map((x) => made[x.id])).toEqual([lan.userId, lan.userId]);
  });
});

describe('first run', () => {
  it('applies the installer preset once: admin, idle lock, agency, server, retention, token modules', async () => {
    const dataDir = tempDir('sohoa-preset-');
    mkdirSync(join(dataDir, 'config'), { recursive: true });
    writeFileSync(
      join(dataDir, 'config', 'station-config.json'),
      JSON.stringify({
        agencyCode: 'H15.50',
        agencyName: 'UBND xã Tân Phú',
        onestop: { server: 'https://dvc.example.gov.vn/', adapter: 'protocol-v1' },
        admin: { username: 'it.tinh', displayName: 'CNTT tỉnh', temporaryPassword: 'preset-temp-pw' },
        retentionDays: 90,
        tokenModules: ['C:\\Windows\\System32\\eTPKCS11.dll', '/opt/agency/libagency-p11.so'],
        idleLockMinutes: 5,
      }),
    );
    const station = Station.open({ dataDir, holder: 'test' });
    open.push(station);
    const first = await prepareFirstRun(station);
    expect(first.preset?.applied).toEqual(['sync', 'signing', 'idleLock', 'admin']);
    expect(first.setupCode).toBeNull(); // the preset made the admin: no setup link
    const d = createStationServices(station).dispatcher;
    const si = await d.invoke('auth.signIn', { username: 'it.tinh', password: 'preset-temp-pw' }, { via: 'http' });
    expect(si).toMatchObject({ ok: true, value: { idleLockMinutes: 5, mustChangePassword: true, user: { role: 'admin' } } });
    const admin = { via: 'http', session: (si as { ok: true; value: { session: string } }).value.session };
    // The preset's password is temporary: the service itself refuses work until IT sets their own.
    expect(code(await d.invoke('signing.getConfig', {}, admin))).toBe('PASSWORD_CHANGE_REQUIRED');
    expect(code(await d.invoke('auth.changePassword', { current: 'preset-temp-pw', next: 'it-tinh-own-password' }, admin))).toBe('ok');
    const cfg = (await d.invoke('signing.getConfig', {}, admin)) as { ok: true; value: { pkcs11Modules: string[]; allowedTokenModules: string[]; agencyName: string } };
    expect(cfg.value.pkcs11Modules).toEqual(['C:\\Windows\\System32\\eTPKCS11.dll', '/opt/agency/libagency-p11.so']);
    expect(cfg.value.allowedTokenModules).toEqual(['/opt/agency/libagency-p11.so']); // eTPKCS11.dll is known already
    expect(cfg.value.agencyName).toBe('UBND xã Tân Phú');
    const settings = Object.fromEntries(station.store.all<{ key: string; value_json: string }>(sql`SELECT key, value_json FROM setting`).map((r) => [r.key, JSON.parse(r.value_json) as unknown]));
    expect(settings).toMatchObject({ 'sync.agencyCode': 'H15.50', 'sync.server': 'https://dvc.example.gov.vn/', 'sync.adapter': 'protocol-v1', 'retention.days': 90 });
    // A second start does not apply it again (the admin's later changes stand).
    expect(code(await d.invoke('accounts.setIdleLock', { minutes: 15 }, admin))).toBe('ok');
    expect((await prepareFirstRun(station)).preset).toBeNull();
    expect(station.store.get<{ value_json: string }>(sql`SELECT value_json FROM setting WHERE key = 'accounts.idleLockMinutes'`)!.value_json).toBe('15');
  });

  it('demo mode creates the documented accounts, one per role', async () => {
    const { station, d } = openStation(true);
    const first = await prepareFirstRun(station);
    expect(first).toMatchObject({ demoAccountsCreated: true, setupCode: null });
    for (const [username, password, role] of [
      ['quantri', 'demo-quantri', 'admin'],
      ['canbo', 'demo-canbo1', 'clerk'],
      ['vanthu', 'demo-vanthu', 'records_clerk'],
    ] as const) {
      expect(await d.invoke('auth.signIn', { username, password }, { via: 'http' })).toMatchObject({ ok: true, value: { user: { role } } });
    }
  });
});
