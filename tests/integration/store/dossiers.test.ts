import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Station } from '../../../electron/core/station/station';
import { createDossier, getDossier } from '../../../electron/core/store/dossiers';
import { getProcedure } from '../../../electron/core/store/procedures';
import { sql } from '../../../electron/core/store/sql';
import { tempDir } from '../../helpers/tmp';

describe('dossier store', () => {
  it("names each component's current document, so a reopened screen can sign what was assembled before", async () => {
    const station = Station.open({ dataDir: join(tempDir(), 'data'), holder: 'test' });
    try {
      const d = createDossier(station.store, {
        stationId: station.row.id,
        procedure: getProcedure(station.store, '1.001193')!,
        purpose: 'intake',
        ownerIdType: 'cccd',
        ownerId: '001099012345',
        ownerName: 'Phạm Văn D',
        ownerKind: 'citizen',
        summary: null,
        createdBy: null,
      });
      const comp = d.components[0]!;
      expect(comp.documentId).toBeNull();
      const put = (text: string): string => {
        const b = station.blobs.putBuffer(Buffer.from(text));
        station.store.run(sql`INSERT OR IGNORE INTO blob VALUES (${b.sha256}, ${b.size}, 'application/pdf', 'x')`);
        return b.sha256;
      };
      const add = (id: string, at: string, state: string): void => {
        station.store.run(sql`INSERT INTO document (id, component_id, sha256, source, page_count, state, created_at, updated_at)
          VALUES (${id}, ${comp.id}, ${put(id)}, 'scan', 1, ${state}, ${at}, ${at})`);
      };
      add('DOC-OLD', '2026-11-25T01:00:00.000Z', 'assembled');
      add('DOC-NEW', '2026-11-25T02:00:00.000Z', 'signed');
      const again = getDossier(station.store, d.id)!.components[0]!;
      expect(again).toMatchObject({ documentId: 'DOC-NEW', digitised: true, signed: true });
      add('DOC-GONE', '2026-11-25T03:00:00.000Z', 'purged');
      expect(getDossier(station.store, d.id)!.components[0]!.documentId).toBe('DOC-NEW');
    } finally {
      await station.close();
    }
  });
});
