import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { lookUpReuse, takeRemoteReuse } from '../../../electron/core/dossiers/remoteReuse';
import { completeDossier } from '../../../electron/core/dossiers/service';
import { Station } from '../../../electron/core/station/station';
import { getDossier } from '../../../electron/core/store/dossiers';
import { updateComponent } from '../../../electron/core/store/dossierEdits';
import { purgeExpired } from '../../../electron/core/sync/retention';
import type { OneStopServer } from '../../onestop-server/server';
import { targetDossier } from '../../onestop-server/targetStore';
import { tempDir } from '../../helpers/tmp';
import { addSignedDocument, configureTarget, drain, khaiSinh, smallPdf, startTargetServer, syncEngineFor } from './fixtures';

// Reuse look-up THROUGH THE TARGET (docs/sync.md, Reuse): DVCQG TraCuuHoSo and the iGate search by code, against the
// reference server in each mode, merged with the local look-up by CCCD.

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const OWNER = '001085123456';
const OTHER = '001085999999';

function station(): Station {
  const st = Station.open({ dataDir: tempDir('station-'), holder: 'test' });
  cleanups.push(() => st.close());
  return st;
}

const comp = (d: { components: { id: string; typeCode: string }[] }, code: string) => d.components.find((c) => c.typeCode === code)!;

/** A khai sinh dossier of OWNERID with both components signed, synced to SRV; returns its MaHoSo and the form's hash. */
async function syncedEarlier(st: Station, srv: OneStopServer, ownerId: string, label: string, validTo: string | null = '2099-12-31') {
  const d = khaiSinh(st, ownerId, label);
  updateComponent(st.store, comp(d, 'KS-TK').id, { validFrom: '2025-01-01', validTo }, new Date().toISOString());
  const form = addSignedDocument(st, comp(d, 'KS-TK').id, await smallPdf(`to khai ${label}`), `to-khai-${label}.pdf`);
  addSignedDocument(st, comp(d, 'KS-GCS').id, await smallPdf(`giay chung sinh ${label}`), `gcs-${label}.pdf`);
  completeDossier(st.store, d.id, true, 'local');
  configureTarget(st, srv);
  await drain(st);
  const synced = getDossier(st.store, d.id)!;
  expect(synced.state).toBe('synced');
  return { id: d.id, code: synced.serverCode!, formSha: form.sha256 };
}

async function server(mode: 'dvc-bo' | 'dvcqg'): Promise<OneStopServer> {
  const srv = await startTargetServer(mode);
  cleanups.push(() => srv.close());
  return srv;
}

describe.each(['dvc-bo', 'dvcqg'] as const)('reuse look-up through the %s target', (mode) => {
  it('offers a document whose local copy was purged, fetches it hash-checked when taken, and syncs it with the reuse fields set', async () => {
    const srv = await server(mode);
    const st = station();
    const earlier = await syncedEarlier(st, srv, OWNER, 'truoc');
    // Retention removes the local copies 7 days after the receipt: only the province still has the form.
    expect(purgeExpired(st, 7, new Date(Date.now() + 8 * 86_400_000)).documents).toBe(2);
    const now = khaiSinh(st, OWNER, 'hom nay');
    const tk = comp(now, 'KS-TK');
    // Locally there is nothing left to offer; asking this station only finds nothing.
    expect((await lookUpReuse(st, syncEngineFor(st), tk.id, { remote: false })).candidates).toEqual([]);

    const found = await lookUpReuse(st, syncEngineFor(st), tk.id);
    expect(found.remote).toEqual({ status: 'ok', codes: [earlier.code], errors: [] });
    expect(found.candidates).toEqual([
      expect.objectContaining({ source: 'remote', documentId: null, sha256: earlier.formSha, dossierCode: earlier.code, dossierId: earlier.id, validTo: '2099-12-31', validFrom: '2025-01-01', typeCode: 'KS-TK' }),
    ]);
    expect(st.blobs.has(earlier.formSha)).toBe(false);

    const after = await takeRemoteReuse(st, syncEngineFor(st), tk.id, { dossierCode: earlier.code, sha256: earlier.formSha }, 'local');
    expect(after.components.find((c) => c.id === tk.id)).toMatchObject({ reuse: 'reused', fromNationalStore: false, digitised: true });
    // The fetched bytes are the signed form, stored under their content address again.
    expect(st.blobs.has(earlier.formSha)).toBe(true);
    st.blobs.get(earlier.formSha, { verify: true });

    addSignedDocument(st, comp(now, 'KS-GCS').id, await smallPdf('giay chung sinh moi'), 'gcs-moi.pdf');
    completeDossier(st.store, now.id, true, 'local');
    await drain(st);
    const d = getDossier(st.store, now.id)!;
    expect(d.state).toBe('synced');
    const onServer = targetDossier(srv.db, d.serverCode!)!;
    if (mode === 'dvcqg') {
      const tl = onServer.body.TaiLieuNop as Record<string, string>[];
      expect(tl.find((t) => t.MaThanhPhanHoSo === 'KS-TK')).toMatchObject({ DuocTaiSuDung: '1', DuocLayTuKhoDMQG: '0', HashTepTin: earlier.formSha });
    } else {
      const tp = onServer.body.ThanhPhanHoSo as Record<string, unknown>[];
      const reused = tp.find((t) => t.MaThanhPhanHoSo === 'KS-TK')!;
      expect(reused).toMatchObject({ DuocTaiSuDung: 1, DuocLayTuKhoDMQG: 0 });
      expect((reused.GiayToDinhKem as Record<string, string>[])[0]!.HashTepTin).toBe(earlier.formSha);
    }
  });

  it('looks up a code the clerk reads from the receipt of another station, only for the same CCCD, and keeps validity ended locally out', async () => {
    const srv = await server(mode);
    const first = station();
    const mine = await syncedEarlier(first, srv, OWNER, 'tram-1');
    const theirs = await syncedEarlier(first, srv, OTHER, 'nguoi-khac');
    const expired = await syncedEarlier(first, srv, OWNER, 'het-han', '2020-01-01');

    const second = station();
    configureTarget(second, srv);
    const now = khaiSinh(second, OWNER, 'tram 2');
    const tk = comp(now, 'KS-TK');
    const found = await lookUpReuse(second, syncEngineFor(second), tk.id, { dossierCodes: [mine.code, theirs.code] });
    expect(found.remote.status).toBe('ok');
    expect(found.remote.codes).toEqual([mine.code, theirs.code]);
    // Another citizen's dossier offers nothing; this station knows no validity for the other station's dossier.
    expect(found.candidates).toEqual([expect.objectContaining({ source: 'remote', sha256: mine.formSha, dossierId: null, validTo: null })]);
    await expect(takeRemoteReuse(second, syncEngineFor(second), tk.id, { dossierCode: theirs.code, sha256: theirs.formSha }, 'local')).rejects.toMatchObject({ code: 'NOT_FOUND' });

    // On the first station the expired form is known to have ended: its dossier is asked, but nothing is offered.
    const again = khaiSinh(first, OWNER, 'lan 3');
    const onFirst = await lookUpReuse(first, syncEngineFor(first), comp(again, 'KS-TK').id);
    expect(onFirst.remote.codes).toEqual(expect.arrayContaining([mine.code, expired.code]));
    expect(onFirst.candidates.map((c) => c.sha256)).not.toContain(expired.formSha);
    // The valid one is still local there: offered once, as the local copy.
    expect(onFirst.candidates.filter((c) => c.sha256 === mine.formSha).map((c) => c.source)).toEqual(['local']);
  });

  it('reports a malformed or cut reply with SERVER_REPLY_MALFORMED beside the local candidates, and a tampered file with HASH_MISMATCH, attaching nothing', async () => {
    const srv = await server(mode);
    const st = station();
    const earlier = await syncedEarlier(st, srv, OWNER, 'goc');
    // A local candidate (an unsynced earlier dossier of the same citizen) must survive the target's failure.
    const local = khaiSinh(st, OWNER, 'chua gui');
    updateComponent(st.store, comp(local, 'KS-TK').id, { validTo: '2099-12-31' }, new Date().toISOString());
    const localDoc = addSignedDocument(st, comp(local, 'KS-TK').id, await smallPdf('ban tai cho'), 'tai-cho.pdf');
    purgeExpired(st, 7, new Date(Date.now() + 8 * 86_400_000));
    const now = khaiSinh(st, OWNER, 'moi');
    const tk = comp(now, 'KS-TK');
    const engine = syncEngineFor(st);
    await lookUpReuse(st, engine, tk.id); // signs in: the faults below hit the look-up itself

    for (const fault of ['malformed', 'truncated'] as const) {
      srv.queueFault(fault);
      const r = await lookUpReuse(st, engine, tk.id);
      expect(srv.stats().faults[fault]).toBe(1);
      expect(r.remote.status).toBe('failed');
      expect(r.remote.errors).toEqual([expect.objectContaining({ dossierCode: earlier.code, code: 'SERVER_REPLY_MALFORMED' })]);
      expect(r.candidates.map((c) => [c.source, c.documentId])).toEqual([['local', localDoc.id]]);
    }

    srv.queueFault('malformed');
    await expect(takeRemoteReuse(st, engine, tk.id, { dossierCode: earlier.code, sha256: earlier.formSha }, 'local')).rejects.toMatchObject({ code: 'SERVER_REPLY_MALFORMED' });

    // The province's copy is altered on its disk (same length): the bytes no longer hash to what its record states.
    const onDisk = join(srv.dataDir, 'files', earlier.formSha);
    const bytes = readFileSync(onDisk);
    const mid = bytes.length >> 1;
    bytes[mid] = bytes[mid]! ^ 0x20;
    writeFileSync(onDisk, bytes);
    await expect(takeRemoteReuse(st, engine, tk.id, { dossierCode: earlier.code, sha256: earlier.formSha }, 'local')).rejects.toMatchObject({ code: 'HASH_MISMATCH' });

    const d = getDossier(st.store, now.id)!;
    expect(d.components.find((c) => c.id === tk.id)).toMatchObject({ reuse: 'none', digitised: false, documentId: null });
    expect(st.blobs.has(earlier.formSha)).toBe(false);
    // The look-up still answers, with the local candidate, once the target is sound again.
    expect((await lookUpReuse(st, engine, tk.id)).candidates.map((c) => c.source)).toEqual(['local', 'remote']);
  });
});
