import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { Station } from '../../../electron/core/station/station';
import { getDossier } from '../../../electron/core/store/dossiers';
import { sql } from '../../../electron/core/store/sql';
import { applyReceipt, enqueueDossier } from '../../../electron/core/store/sync';
import { purgeExpired } from '../../../electron/core/sync/retention';
import { tempDir } from '../../helpers/tmp';
import { addBatch, rng } from './fixtures';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

function station(): Station {
  const st = Station.open({ dataDir: tempDir('station-'), holder: 'test' });
  cleanups.push(() => st.close());
  return st;
}

const DAY = 86_400_000;

describe('retention', () => {
  it('never purges before the server receipt, nor before the retention period; purges after both', async () => {
    const st = station();
    const b = await addBatch(st, rng(1), 3, 'ret');
    const t0 = new Date('2026-03-02T01:00:00Z');
    // 1. No receipt yet: nothing goes, however old.
    expect(purgeExpired(st, 0, new Date(t0.getTime() + 365 * DAY))).toEqual({ documents: 0, blobs: 0 });
    for (const h of b.hashes) expect(st.blobs.has(h)).toBe(true);

    // 2. A receipt that lists only two of the three documents.
    const listed = b.hashes.slice(0, 2);
    const r = applyReceipt(st.store, b.dossierId, { draftId: b.dossierId, dossierCode: 'H15.50-260302-0001', files: listed.map((sha256) => ({ fileId: `F-${sha256.slice(0, 16)}`, sha256 })) }, 'commit', t0.toISOString());
    expect(r.complete).toBe(false);
    // 3. Inside the retention period: nothing goes.
    expect(purgeExpired(st, 30, new Date(t0.getTime() + 29 * DAY)).documents).toBe(0);
    for (const h of b.hashes) expect(st.blobs.has(h)).toBe(true);
    // 4. After the period: only the two documents the receipt named.
    const res = purgeExpired(st, 30, new Date(t0.getTime() + 31 * DAY));
    expect(res.documents).toBe(2);
    for (const h of listed) expect(existsSync(st.blobs.pathOf(h))).toBe(false);
    expect(st.blobs.has(b.hashes[2]!)).toBe(true);
    const states = st.store.all<{ sha256: string; state: string }>(sql`SELECT sha256, state FROM document`);
    expect(states.filter((s) => s.state === 'purged').map((s) => s.sha256).sort()).toEqual([...listed].sort());
    expect(states.find((s) => s.sha256 === b.hashes[2])!.state).toBe('signed');
    // A purged document still counts as digitised and signed (the report and checklist survive the purge).
    expect(getDossier(st.store, b.dossierId)!.components.filter((c) => c.required).every((c) => c.digitised && c.signed)).toBe(true);
  });

  it('keeps a blob that another, unsynced document still uses', async () => {
    const st = station();
    const a = await addBatch(st, rng(5), 1, 'same');
    // A second dossier holds a document with the very same bytes, not yet synced.
    const b = await addBatch(st, rng(6), 1, 'other');
    st.store.run(sql`UPDATE document SET sha256 = ${a.hashes[0]!} WHERE sha256 = ${b.hashes[0]!}`);
    enqueueDossier(st.store, a.dossierId, new Date().toISOString());
    const t0 = new Date('2026-03-02T01:00:00Z');
    applyReceipt(st.store, a.dossierId, { draftId: a.dossierId, dossierCode: 'H15.50-260302-0002', files: [{ fileId: 'F-x', sha256: a.hashes[0]! }] }, 'commit', t0.toISOString());
    const res = purgeExpired(st, 1, new Date(t0.getTime() + 2 * DAY));
    expect(res.documents).toBe(1);
    expect(res.blobs).toBe(0);
    expect(st.blobs.has(a.hashes[0]!)).toBe(true);
  });
});
