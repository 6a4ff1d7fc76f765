import { describe, expect, it } from 'vitest';
import { openStore } from '../../../electron/core/store/db';
import { sql } from '../../../electron/core/store/sql';
import { applyReceipt, enqueueDossier } from '../../../electron/core/store/sync';
import { storeBefore } from './fixtures';

const DOSSIER = 'STAB12CD34-01M8A7JMT1TQVJJ0DZGXTZRP0R';
const SHA = 'b'.repeat(64);

describe('migration 0005 (dossier lifecycle, sync bookkeeping, retention)', () => {
  it('keeps the rows of the previous schema and lets them sync afterwards', () => {
    const before = storeBefore('0005_sync');
    const { list, mine, file } = before;
    let store = before.store;
    const at = '2026-03-02T01:00:00.000Z';
    store.db.exec(`
      INSERT INTO dossier (id, station_id, purpose, procedure_code, owner_id_type, owner_id, owner_name, owner_kind, channel, summary, state, created_by, created_at, updated_at)
        VALUES ('${DOSSIER}', 'STAB12CD34', 'intake', '1.001193', 'cccd', '001085123456', 'Trần Văn C', 'citizen', 1, NULL, 'complete', 'u1', '${at}', '${at}');
      INSERT INTO component (id, dossier_id, type_code, name, kind, required, position, created_at)
        VALUES ('01M8A7JMT1TQVJJ0DZGXTZRP0S', '${DOSSIER}', 'KS-TK', 'Tờ khai', 'intake', 1, 0, '${at}');
      INSERT INTO blob VALUES ('${SHA}', 10, 'application/pdf', '${at}');
      INSERT INTO document (id, component_id, sha256, source, file_name, pdfa_level, page_count, state, created_at, updated_at)
        VALUES ('D1', '01M8A7JMT1TQVJJ0DZGXTZRP0S', '${SHA}', 'scan', 'tk.pdf', '1b', 1, 'signed', '${at}', '${at}');
      INSERT INTO setting VALUES ('sync.window', '"17:30-07:30"', '${at}', 'u1');
    `);
    store.close();

    store = openStore(file, { migrations: list, targetVersion: mine.version });
    expect(store.schemaVersion).toBe(mine.version);
    const d = store.get<{ owner_name: string; state: string; result_for_code: string | null; synced_at: string | null }>(
      sql`SELECT owner_name, state, result_for_code, synced_at FROM dossier WHERE id = ${DOSSIER}`,
    )!;
    expect(d).toEqual({ owner_name: 'Trần Văn C', state: 'complete', result_for_code: null, synced_at: null });
    expect(store.get<{ state: string }>(sql`SELECT state FROM document WHERE id = 'D1'`)!.state).toBe('signed');
    expect(store.get<{ value_json: string }>(sql`SELECT value_json FROM setting WHERE key = 'sync.window'`)!.value_json).toBe('"17:30-07:30"');

    // The migrated dossier goes through the new outbox and receipt tables.
    enqueueDossier(store, DOSSIER, at);
    const r = applyReceipt(store, DOSSIER, { draftId: DOSSIER, dossierCode: 'H15.50-260302-0001', files: [{ fileId: 'F-bbbbbbbbbbbbbbbb', sha256: SHA }] }, 'commit', at);
    expect(r.complete).toBe(true);
    expect(store.get<{ state: string; server_code: string }>(sql`SELECT state, server_code FROM dossier WHERE id = ${DOSSIER}`)).toEqual({
      state: 'synced',
      server_code: 'H15.50-260302-0001',
    });
    // STRICT holds for the new tables too.
    expect(() => store.db.exec("INSERT INTO sync_receipt (dossier_id, dossier_code, received_at, via, receipt_json) VALUES ('x', 'c', 't', 'bogus', '{}')")).toThrow();
    store.close();
  });
});
