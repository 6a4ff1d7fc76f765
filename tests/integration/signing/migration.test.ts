import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../../electron/core/store/db';
import { sql } from '../../../electron/core/store/sql';
import { pendingTimestamps, recordSignature, signaturesOf } from '../../../electron/core/store/signatures';
import { tempDir } from '../../helpers/tmp';

describe('migration 0004 (signing)', () => {
  it('keeps signatures written at version 3 and adds the signing columns and timestamp queue', () => {
    const file = join(tempDir(), 'station.db');
    const at = '2026-11-25T09:00:00.000+07:00';
    const old = openStore(file, { targetVersion: 3 });
    old.db.exec(`
      INSERT INTO station VALUES ('STAB12CD34', 'Trạm UBND xã A', 'H15.50', '${at}');
      INSERT INTO procedure VALUES ('1.001193', 'Đăng ký khai sinh', 'commune', 'Hộ tịch', 'seed', 1, 1, 'v1');
      INSERT INTO dossier VALUES ('STAB12CD34-01M8A7JMT1TQVJJ0DZGXTZRP0R', 'STAB12CD34', NULL, 'intake', '1.001193', 'cccd', '001099012345', 'Trần Văn C', 'citizen', 1, NULL, 'draft', NULL, '${at}', '${at}');
      INSERT INTO component (id, dossier_id, type_code, name, kind, required, position, created_at)
        VALUES ('01M8A7JMT1TQVJJ0DZGXTZRP0S', 'STAB12CD34-01M8A7JMT1TQVJJ0DZGXTZRP0R', 'KS-TK', 'Tờ khai', 'intake', 1, 0, '${at}');
      INSERT INTO blob VALUES ('${'b'.repeat(64)}', 456, 'application/pdf', '${at}');
      INSERT INTO document (id, component_id, sha256, source, page_count, state, created_at, updated_at)
        VALUES ('01M8A7JMT1TQVJJ0DZGXTZRP0D', '01M8A7JMT1TQVJJ0DZGXTZRP0S', '${'b'.repeat(64)}', 'scan', 1, 'signed', '${at}', '${at}');
      INSERT INTO signature VALUES ('S1', '01M8A7JMT1TQVJJ0DZGXTZRP0D', 'clerk', 'Nguyễn Thị Bình', NULL, 'B-B', '${'b'.repeat(64)}', '${at}');
    `);
    expect(old.schemaVersion).toBe(3);
    old.close();

    const store = openStore(file);
    try {
      expect(store.schemaVersion).toBeGreaterThanOrEqual(4);
      expect(signaturesOf(store, '01M8A7JMT1TQVJJ0DZGXTZRP0D')).toEqual([
        { id: 'S1', role: 'clerk', signerName: 'Nguyễn Thị Bình', certSha256: null, level: 'B-B', signedSha256: 'b'.repeat(64), signedAt: at, fieldName: null, tsaTime: null },
      ]);
      // The new columns and the queue work on the migrated database.
      recordSignature(store, {
        documentId: '01M8A7JMT1TQVJJ0DZGXTZRP0D',
        previousSha256: 'b'.repeat(64),
        role: 'agency',
        signerName: 'UBND xã A',
        certSha256: 'c'.repeat(64),
        certIssuer: 'CN=Root',
        level: 'B-B',
        newSha256: 'd'.repeat(64),
        newSize: 999,
        fieldName: 'Sig2',
        tsaTime: null,
        signedBy: 'nobody',
        chainStatus: 'trusted',
        revocationStatus: 'unknown',
        queueTimestamp: true,
        at,
      });
      expect(store.get(sql`SELECT sha256, state FROM document`)).toEqual({ sha256: 'd'.repeat(64), state: 'signed' });
      expect(pendingTimestamps(store, at)).toEqual([{ documentId: '01M8A7JMT1TQVJJ0DZGXTZRP0D', attempts: 0 }]);
      expect(() => store.db.exec(`UPDATE signature SET chain_status = 'maybe'`)).toThrow(/CHECK/);
      // A second signer who started from the old bytes loses the race: CONFLICT, nothing recorded.
      const rows = store.get<{ n: number }>(sql`SELECT count(*) AS n FROM signature`)!.n;
      expect(() =>
        recordSignature(store, {
          documentId: '01M8A7JMT1TQVJJ0DZGXTZRP0D', previousSha256: 'b'.repeat(64), role: 'clerk', signerName: 'X', certSha256: null, certIssuer: null, level: 'B-B',
          newSha256: 'e'.repeat(64), newSize: 1, fieldName: 'Sig3', tsaTime: null, signedBy: null, chainStatus: null, revocationStatus: null, queueTimestamp: false, at,
        }),
      ).toThrow(/changed while it was being signed/);
      expect(store.get<{ n: number }>(sql`SELECT count(*) AS n FROM signature`)!.n).toBe(rows);
      expect(store.get(sql`SELECT sha256 FROM document`)).toEqual({ sha256: 'd'.repeat(64) });
    } finally {
      store.close();
    }
  });
});
