import { describe, expect, it } from 'vitest';
import { openStore } from '../../../electron/core/store/db';
import { nextLocalSeq, reserveCode, reservedCode } from '../../../electron/core/store/dossierCodes';
import { attachReused, localReuseRows } from '../../../electron/core/store/reuse';
import { sql } from '../../../electron/core/store/sql';
import { storeBefore } from './fixtures';

const A = 'STAB12CD34-01M8A7JMT1TQVJJ0DZGXTZRP0R';
const B = 'STAB12CD34-01M8A7JMT1TQVJJ0DZGXTZRP1R';
const SHA = 'c'.repeat(64);

describe('migration 0016 (dossier code reservations, local code sequence, component reuse)', () => {
  it('keeps the rows of the previous schema; the migrated dossiers reserve codes and reuse earlier documents', () => {
    const before = storeBefore('0016_delivery');
    const { list, mine, file } = before;
    let store = before.store;
    const at = '2026-03-02T01:00:00.000Z';
    store.db.exec(`
      INSERT INTO dossier (id, station_id, purpose, procedure_code, owner_id_type, owner_id, owner_name, owner_kind, channel, summary, state, created_by, created_at, updated_at, server_code)
        VALUES ('${A}', 'STAB12CD34', 'intake', '1.001193', 'cccd', '001085123456', 'Trần Văn C', 'citizen', 1, NULL, 'synced', 'u1', '${at}', '${at}', 'H15.50-260302-0001'),
               ('${B}', 'STAB12CD34', 'intake', '1.001193', 'cccd', '001085123456', 'Trần Văn C', 'citizen', 1, NULL, 'draft', 'u1', '${at}', '${at}', NULL);
      INSERT INTO component (id, dossier_id, type_code, name, kind, required, position, valid_to, created_at)
        VALUES ('01M8A7JMT1TQVJJ0DZGXTZRP0S', '${A}', 'KS-TK', 'Tờ khai', 'intake', 1, 0, '2099-01-01', '${at}'),
               ('01M8A7JMT1TQVJJ0DZGXTZRP1S', '${B}', 'KS-TK', 'Tờ khai', 'intake', 1, 0, NULL, '${at}');
      INSERT INTO blob VALUES ('${SHA}', 10, 'application/pdf', '${at}');
      INSERT INTO document (id, component_id, sha256, source, file_name, pdfa_level, page_count, state, created_at, updated_at)
        VALUES ('D1', '01M8A7JMT1TQVJJ0DZGXTZRP0S', '${SHA}', 'scan', 'tk.pdf', '1b', 1, 'synced', '${at}', '${at}');
      INSERT INTO signature (id, document_id, role, signer_name, cert_sha256, level, signed_sha256, signed_at) VALUES ('S1', 'D1', 'clerk', 'Nguyễn Thị Lan', NULL, 'B-B', '${SHA}', '${at}');
    `);
    store.close();

    store = openStore(file, { migrations: list, targetVersion: mine.version });
    expect(store.schemaVersion).toBe(mine.version);
    expect(store.get<{ state: string }>(sql`SELECT state FROM document WHERE id = 'D1'`)!.state).toBe('synced');
    // A bound code counts as reserved; a fresh draft reserves once (the first reservation wins).
    expect(reservedCode(store, A)).toBe('H15.50-260302-0001');
    expect(reservedCode(store, B)).toBeNull();
    expect(reserveCode(store, B, 'H15.50-260302-0007', 'dvcqg', at)).toBe('H15.50-260302-0007');
    expect(reserveCode(store, B, 'H15.50-260302-0008', 'dvcqg', at)).toBe('H15.50-260302-0007');
    expect([nextLocalSeq(store, 'H15.50', '260302', 100), nextLocalSeq(store, 'H15.50', '260302', 100)]).toEqual([100, 101]);
    // The migrated earlier document is offered to the migrated draft and attached with its signature.
    const rows = localReuseRows(store, { ownerIdType: 'cccd', ownerId: '001085123456', typeCode: 'KS-TK', excludeDossierId: B, today: '2026-03-02' });
    expect(rows.map((r) => r.document_id)).toEqual(['D1']);
    const id = attachReused(store, {
      componentId: '01M8A7JMT1TQVJJ0DZGXTZRP1S', source: 'local', sourceDocumentId: 'D1', sourceDossierCode: 'H15.50-260302-0001', sha256: SHA,
      fileName: 'tk.pdf', pageCount: 1, pdfaLevel: '1b', reuse: 'reused', replacedResultCode: null, fromNationalStore: false,
      validFrom: null, validTo: '2099-01-01', actor: 'u1', at,
    });
    expect(store.get<{ n: number }>(sql`SELECT count(*) AS n FROM signature WHERE document_id = ${id}`)!.n).toBe(1);
    expect(store.get<{ reuse: string; valid_to: string }>(sql`SELECT reuse, valid_to FROM component WHERE id = '01M8A7JMT1TQVJJ0DZGXTZRP1S'`)).toEqual({ reuse: 'reused', valid_to: '2099-01-01' });
    // STRICT and CHECK hold on the new tables.
    expect(() => store.db.exec(`INSERT INTO dossier_code_reservation VALUES ('${A}', 'X', 'bogus', '${at}')`)).toThrow();
    expect(() => store.db.exec(`INSERT INTO component_reuse (component_id, source, sha256, taken_at) VALUES ('01M8A7JMT1TQVJJ0DZGXTZRP0S', 'elsewhere', 'x', 't')`)).toThrow();
    store.close();
  });
});
