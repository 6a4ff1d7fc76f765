import Database from 'better-sqlite3';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { StationError } from '../../../electron/common/errors';
import { APPLICATION_ID, openStore, peekSchemaVersion } from '../../../electron/core/store/db';
import { codeSchemaVersion, loadMigrations } from '../../../electron/core/store/migrations';
import { raw, sql } from '../../../electron/core/store/sql';
import { tempDir } from '../../helpers/tmp';

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

/** Real rows for every 0001 table, the way the station writes them. */
function seed0001(db: Database.Database): void {
  const at = '2026-11-25T09:00:00.000+07:00';
  db.exec(`
    INSERT INTO station VALUES ('STAB12CD34', 'Trạm UBND xã A', 'H15.50', '${at}');
    INSERT INTO user VALUES ('u1', 'clerk1', 'Nguyễn Thị Bình', 'clerk', 1, '${at}');
    INSERT INTO procedure VALUES ('1.001193', 'Đăng ký khai sinh', 'commune', 'Hộ tịch', 'seed', 1, 1, 'v1');
    INSERT INTO procedure_component VALUES ('1.001193', 'KS-TK', 'Tờ khai', 'intake', 1, 0);
    INSERT INTO dossier VALUES ('STAB12CD34-01M8A7JMT1TQVJJ0DZGXTZRP0R', 'STAB12CD34', NULL, 'intake', '1.001193', 'cccd', '001099012345', 'Trần Văn C', 'citizen', 1, NULL, 'draft', 'u1', '${at}', '${at}');
    INSERT INTO component (id, dossier_id, type_code, name, kind, required, position, created_at)
      VALUES ('01M8A7JMT1TQVJJ0DZGXTZRP0S', 'STAB12CD34-01M8A7JMT1TQVJJ0DZGXTZRP0R', 'KS-TK', 'Tờ khai', 'intake', 1, 0, '${at}');
    INSERT INTO blob VALUES ('${'a'.repeat(64)}', 123, 'image/x-portable-anymap', '${at}');
    INSERT INTO blob VALUES ('${'b'.repeat(64)}', 456, 'application/pdf', '${at}');
    INSERT INTO scan_job (id, component_id, device_id, profile_json, state, started_at) VALUES ('J1', '01M8A7JMT1TQVJJ0DZGXTZRP0S', 'sane:test:0', '{}', 'completed', '${at}');
    INSERT INTO page (id, component_id, scan_job_id, seq, position, raw_sha256, width, height, dpi, pixel_type, created_at)
      VALUES ('P1', '01M8A7JMT1TQVJJ0DZGXTZRP0S', 'J1', 1, 0, '${'a'.repeat(64)}', 1653, 2338, 200, 'color', '${at}');
    INSERT INTO document (id, component_id, sha256, source, page_count, created_at, updated_at)
      VALUES ('D1', '01M8A7JMT1TQVJJ0DZGXTZRP0S', '${'b'.repeat(64)}', 'scan', 1, '${at}', '${at}');
    INSERT INTO signature VALUES ('S1', 'D1', 'clerk', 'Nguyễn Thị Bình', NULL, 'B-B', '${'b'.repeat(64)}', '${at}');
    INSERT INTO outbox (kind, dossier_id, document_id, sha256, created_at, updated_at)
      VALUES ('upload', 'STAB12CD34-01M8A7JMT1TQVJJ0DZGXTZRP0R', 'D1', '${'b'.repeat(64)}', '${at}', '${at}');
    INSERT INTO setting VALUES ('sync.window', '"17:30-07:30"', '${at}', 'u1');
    INSERT INTO idempotency VALUES ('k-12345678', 'dossiers.create', '{}', '${at}');
  `);
}

/** A station database seeded at schema 1 (seed0001), then migrated to `version` (closed; reopen to look). */
function seededStation(version = 1): { list: ReturnType<typeof loadMigrations>; file: string } {
  const list = loadMigrations();
  const file = join(tempDir(), 'station.db');
  const store = openStore(file, { migrations: list, targetVersion: 1 });
  seed0001(store.db);
  store.close();
  if (version > 1) openStore(file, { migrations: list, targetVersion: version }).close();
  return { list, file };
}

describe('migrations', () => {
  it('are numbered uniquely and increasing', () => {
    const list = loadMigrations();
    expect(list[0]?.version).toBe(1);
    expect(codeSchemaVersion(list)).toBe(list.at(-1)!.version);
  });

  it('0001 creates STRICT tables with enforced foreign keys, and holds real rows', () => {
    const file = join(tempDir(), 'station.db');
    const store = openStore(file, { targetVersion: 1 });
    seed0001(store.db);
    expect(store.schemaVersion).toBe(1);
    expect(store.db.pragma('application_id', { simple: true })).toBe(APPLICATION_ID);
    expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(store.db.pragma('foreign_keys', { simple: true })).toBe(1);
    // STRICT: a string in an INTEGER column is refused.
    expect(() => store.db.exec("UPDATE page SET width = 'wide' WHERE id = 'P1'")).toThrow(/cannot store TEXT/);
    // Foreign keys: a page of an unknown component is refused.
    expect(() =>
      store.db.exec(`INSERT INTO page (id, component_id, seq, position, raw_sha256, width, height, dpi, pixel_type, created_at)
        VALUES ('P2', 'nope', 2, 1, '${'a'.repeat(64)}', 1, 1, 200, 'color', 'x')`),
    ).toThrow(/FOREIGN KEY/);
    // The audit log is append-only.
    store.db.exec("INSERT INTO audit_event VALUES (1, 'x', NULL, 'a', NULL, NULL, '{}', 'p', 'h')");
    expect(() => store.db.exec('DELETE FROM audit_event')).toThrow(/append-only/);
    store.close();
  });

  it('each later migration keeps the rows of the previous version', () => {
    const list = loadMigrations();
    const file = join(tempDir(), 'station.db');
    let store = openStore(file, { migrations: list, targetVersion: 1 });
    seed0001(store.db);
    const before = store.get<{ n: number }>(sql`SELECT count(*) AS n FROM page`)!.n;
    store.close();
    for (const m of list.slice(1)) {
      store = openStore(file, { migrations: list, targetVersion: m.version });
      expect(store.schemaVersion).toBe(m.version);
      expect(store.get<{ n: number }>(sql`SELECT count(*) AS n FROM page`)!.n).toBe(before);
      expect(store.get<{ owner_name: string }>(sql`SELECT owner_name FROM dossier`)!.owner_name).toBe('Trần Văn C');
      store.close();
    }
  });

  it('0017 (accounts) keeps the clerks and their dossiers; old accounts cannot sign in until a password is set', () => {
    const { list, file } = seededStation(5);
    const store = openStore(file, { migrations: list, targetVersion: 17 });
    expect(store.get(sql`SELECT id, login, full_name, role, active, password_hash, must_change_password FROM user WHERE id = 'u1'`)).toEqual({
      id: 'u1', login: 'clerk1', full_name: 'Nguyễn Thị Bình', role: 'clerk', active: 1, password_hash: null, must_change_password: 0,
    });
    expect(store.get<{ created_by: string }>(sql`SELECT created_by FROM dossier`)!.created_by).toBe('u1');
    // Sessions belong to real users (foreign key) and go with them.
    store.run(sql`INSERT INTO session VALUES (${'c'.repeat(64)}, 'u1', 'http', '2026-12-01T00:00:00Z', '2026-12-01T00:00:00Z', 0, '2026-12-02T00:00:00Z')`);
    expect(() => store.run(sql`INSERT INTO session VALUES (${'d'.repeat(64)}, 'nobody', 'http', '2026-12-01T00:00:00Z', '2026-12-01T00:00:00Z', 0, '2026-12-02T00:00:00Z')`)).toThrow(/FOREIGN KEY/);
    store.close();
  });

  it('0019 (abandoned dossiers) rebuilds the dossier table without cascading into its components, pages, documents or outbox', () => {
    const { list, file } = seededStation();
    let store = openStore(file, { migrations: list, targetVersion: 18 });
    const count = (t: string) => store.get<{ n: number }>(sql`SELECT count(*) AS n FROM ${raw(t)}`)!.n;
    const tables = ['component', 'page', 'document', 'signature', 'outbox', 'dossier'];
    const before = Object.fromEntries(tables.map((t) => [t, count(t)]));
    const row = store.get(sql`SELECT * FROM dossier`);
    store.close();

    store = openStore(file, { migrations: list, targetVersion: 19 });
    expect(Object.fromEntries(tables.map((t) => [t, count(t)]))).toEqual(before);
    expect(before.page).toBe(1);
    expect(store.get(sql`SELECT * FROM dossier`)).toEqual({ ...(row as object), abandoned_at: null, abandoned_by: null, abandon_reason: null });
    // The new state is accepted only with its time; the children still point at the (rebuilt) dossier table.
    expect(() => store.db.exec("UPDATE dossier SET state = 'abandoned'")).toThrow(/CHECK/);
    store.db.exec("UPDATE dossier SET state = 'abandoned', abandoned_at = '2026-12-03T08:00:00Z', abandoned_by = 'u1', abandon_reason = 'x'");
    expect(store.db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(() => store.db.exec("DELETE FROM dossier")).toThrow(/FOREIGN KEY/); // the outbox row still refers to it
    expect(store.db.pragma('foreign_key_check')).toEqual([]);
    expect(store.all<{ name: string }>(sql`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'dossier' AND sql IS NOT NULL ORDER BY name`).map((r) => r.name)).toEqual([
      'dossier_created',
      'dossier_owner',
      'dossier_state',
    ]);
    store.close();
  });

  it('refuses a migration that would leave a row pointing at nothing (checked before the commit)', () => {
    const { list, file } = seededStation();
    const broken = [...list.filter((m) => m.version <= 1), { version: 2, name: '0002_broken', sql: 'DELETE FROM component;' }];
    // Deleting components while pages still refer to them: foreign keys are off during migrations, so the check must catch it.
    expectCode(() => openStore(file, { migrations: broken, targetVersion: 2 }), 'DB_MIGRATION_FAILED');
    const store = openStore(file, { migrations: list, targetVersion: 1 });
    expect(store.schemaVersion).toBe(1);
    expect(store.get<{ n: number }>(sql`SELECT count(*) AS n FROM component`)!.n).toBe(1);
    store.close();
  });

  it('0020 (stack separation, OCR) keeps captured pages as content pages and refuses an unknown sheet kind', () => {
    const { list, file } = seededStation(18);
    const store = openStore(file, { migrations: list, targetVersion: 20 });
    expect(store.get(sql`SELECT id, sheet, sheet_code, sheet_problem FROM page`)).toEqual({ id: 'P1', sheet: null, sheet_code: null, sheet_problem: null });
    expect(store.get(sql`SELECT route_component_id FROM scan_job WHERE id = 'J1'`)).toEqual({ route_component_id: null });
    store.run(sql`UPDATE page SET sheet = 'dossier_cover', sheet_code = 'SOHOA1:D:x' WHERE id = 'P1'`);
    expect(() => store.run(sql`UPDATE page SET sheet = 'staple' WHERE id = 'P1'`)).toThrow(/CHECK/);
    expect(() => store.run(sql`UPDATE page SET sheet_problem = 'GUESSED' WHERE id = 'P1'`)).toThrow(/CHECK/);
    // The route names a real component.
    expect(() => store.run(sql`UPDATE scan_job SET route_component_id = 'nope' WHERE id = 'J1'`)).toThrow(/FOREIGN KEY/);
    store.run(sql`UPDATE scan_job SET route_component_id = '01M8A7JMT1TQVJJ0DZGXTZRP0S' WHERE id = 'J1'`);
    // OCR rows belong to a real document.
    expect(() => store.run(sql`INSERT INTO document_text (document_id, page, text, folded) VALUES ('nope', 1, 'a', 'a')`)).toThrow(/FOREIGN KEY/);
    store.run(sql`INSERT INTO document_text (document_id, page, text, folded) VALUES ('D1', 1, 'Đăng ký', 'dang ky')`);
    store.close();
  });

  it('refuses a database newer than the code and leaves the file byte-identical', () => {
    const file = join(tempDir(), 'station.db');
    openStore(file).close();
    const raw = new Database(file);
    raw.pragma(`user_version = ${codeSchemaVersion() + 1}`);
    raw.close();
    const bytes = readFileSync(file);
    expectCode(() => openStore(file), 'DB_NEWER_THAN_CODE');
    expect(readFileSync(file).equals(bytes)).toBe(true);
    expect(existsSync(`${file}-wal`)).toBe(false);
    expect(peekSchemaVersion(file).userVersion).toBe(codeSchemaVersion() + 1);
  });

  it('refuses a foreign SQLite database and a non-SQLite file without changing them', () => {
    const dir = tempDir();
    const foreign = join(dir, 'foreign.db');
    const other = new Database(foreign);
    other.exec('CREATE TABLE notes (t TEXT)');
    other.close();
    const fBytes = readFileSync(foreign);
    expectCode(() => openStore(foreign), 'DB_CORRUPT');
    expect(readFileSync(foreign).equals(fBytes)).toBe(true);

    const junk = join(dir, 'junk.db');
    writeFileSync(junk, Buffer.from('this is a scanned page, not a database'.repeat(10)));
    const jBytes = readFileSync(junk);
    expectCode(() => openStore(junk), 'DB_CORRUPT');
    expect(readFileSync(junk).equals(jBytes)).toBe(true);

    const otherApp = join(dir, 'otherapp.db');
    const o = new Database(otherApp);
    o.pragma('user_version = 1');
    o.close();
    expectCode(() => openStore(otherApp), 'DB_CORRUPT');
  });
});
