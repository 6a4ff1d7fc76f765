import { afterEach, describe, expect, it } from 'vitest';
import { lookUpReuse, takeRemoteReuse } from '../../../electron/core/dossiers/remoteReuse';
import { completeDossier, createResultDossier } from '../../../electron/core/dossiers/service';
import { Station } from '../../../electron/core/station/station';
import { getDossier } from '../../../electron/core/store/dossiers';
import { updateComponent } from '../../../electron/core/store/dossierEdits';
import type { OneStopServer } from '../../onestop-server/server';
import { targetDossier } from '../../onestop-server/targetStore';
import { tempDir } from '../../helpers/tmp';
import { addBatch, addSignedDocument, configureTarget, drain, rng, smallPdf, startTargetServer, syncEngineFor } from './fixtures';

// Result dossiers on the provincial targets: DVCQG DongBoHoSoMC (isUpdating "True", DanhSachGiayToKetQua with the URL
// the target fetches and hash-checks) and DVC Bộ's status message (TrangThai 9 + DanhSachGiayToKetQua), against the
// reference server in each mode.

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function station(): Station {
  const st = Station.open({ dataDir: tempDir('station-'), holder: 'test' });
  cleanups.push(() => st.close());
  return st;
}

async function server(mode: 'dvc-bo' | 'dvcqg'): Promise<OneStopServer> {
  const srv = await startTargetServer(mode);
  cleanups.push(() => srv.close());
  return srv;
}

/** A result dossier for RESULTFOR with one signed birth certificate (KS-KQ) carrying MaGiayToKetQua CODE. */
async function resultDossier(st: Station, resultFor: string, ownerId: string, label: string) {
  const d = createResultDossier(st.store, { stationId: st.row.id, procedureCode: '1.001193', resultFor, ownerId, ownerName: 'Nguyễn Văn A', createdBy: 'local' });
  const kq = d.components.find((c) => c.typeCode === 'KS-KQ')!;
  updateComponent(st.store, kq.id, { resultCode: `KQ.${label}` }, new Date().toISOString());
  const doc = addSignedDocument(st, kq.id, await smallPdf(`giay khai sinh ${label}`), `giay-khai-sinh-${label}.pdf`);
  completeDossier(st.store, d.id, true, 'local');
  return { id: d.id, sha256: doc.sha256, resultCode: `KQ.${label}` };
}

/** An intake dossier with two signed documents, delivered to SRV: its MaHoSo and owner. */
async function deliveredIntake(st: Station, srv: OneStopServer, seed: number) {
  configureTarget(st, srv);
  const intake = await addBatch(st, rng(seed), 2, `kq${seed}`);
  await drain(st);
  const d = getDossier(st.store, intake.dossierId)!;
  return { intake, code: d.serverCode!, owner: d.ownerId };
}

describe.each(['dvc-bo', 'dvcqg'] as const)('result dossiers on the %s target', (mode) => {
  it('attaches the signed results to the intake dossier once, even when the reply is lost, with MaGiayToKetQua and the hash', async () => {
    const srv = await server(mode);
    const st = station();
    const { intake, code, owner } = await deliveredIntake(st, srv, 4);

    const result = await resultDossier(st, code, owner, '001');
    // The target applies the results, the reply never arrives: the retry must find them, not add them twice.
    srv.queueFault('commit-lost');
    await drain(st);
    expect(srv.stats().faults['commit-lost']).toBe(1);
    expect(getDossier(st.store, result.id)!.state).toBe('synced');
    // The MaHoSo stays bound to the intake dossier.
    expect(getDossier(st.store, intake.dossierId)!.serverCode).toBe(code);

    const onServer = targetDossier(srv.db, code)!;
    const kq = onServer.body.DanhSachGiayToKetQua as Record<string, unknown>[];
    expect(kq).toHaveLength(1);
    expect(kq[0]).toMatchObject({ MaThanhPhanHoSo: 'KS-KQ', MaGiayToKetQua: result.resultCode, HashTepTin: result.sha256 });
    // The intake documents are still there, and the result file is held once (dvcqg: fetched from its URL and checked).
    expect(onServer.files.map((f) => f.sha256).sort()).toEqual([...intake.hashes, result.sha256].sort());
    if (mode === 'dvc-bo') expect(onServer.body.TrangThai).toBe(9);
    else expect(kq[0]!.DuongDanTepTinKetQua).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/tep\/[0-9a-f]{64}\.pdf$/);

    // A second result later: appended, the first kept.
    const second = await resultDossier(st, code, owner, '002');
    await drain(st);
    expect(getDossier(st.store, second.id)!.state).toBe('synced');
    const after = targetDossier(srv.db, code)!.body.DanhSachGiayToKetQua as Record<string, unknown>[];
    expect(after.map((k) => k.HashTepTin)).toEqual([result.sha256, second.sha256]);
  });

  it('offers a delivered result for reuse through the target, with MaKetQuaThayThe and DuocLayTuKhoDMQG as the target says', async () => {
    const srv = await server(mode);
    const st = station();
    const { code, owner } = await deliveredIntake(st, srv, 6);
    const result = await resultDossier(st, code, owner, '777');
    await drain(st);

    // Another station, the same citizen: the clerk reads the MaHoSo from the citizen's receipt.
    const other = station();
    configureTarget(other, srv);
    const again = createResultDossier(other.store, { stationId: other.row.id, procedureCode: '1.001193', resultFor: code, ownerId: owner, ownerName: 'Nguyễn Văn A', createdBy: 'local' });
    const kq = again.components.find((c) => c.typeCode === 'KS-KQ')!;
    const found = await lookUpReuse(other, syncEngineFor(other), kq.id, { dossierCodes: [code] });
    expect(found.remote.status).toBe('ok');
    // DVCQG holds the result under its MaGiayToKetQua, i.e. in the citizen's store; the provincial system does not say so.
    expect(found.candidates).toEqual([
      expect.objectContaining({ source: 'remote', kind: 'result', sha256: result.sha256, resultCode: result.resultCode, fromNationalStore: mode === 'dvcqg' }),
    ]);
    const taken = await takeRemoteReuse(other, syncEngineFor(other), kq.id, { dossierCode: code, sha256: result.sha256 }, 'local');
    expect(taken.components.find((c) => c.id === kq.id)).toMatchObject({ reuse: 'reused_replaced', replacedResultCode: result.resultCode, fromNationalStore: mode === 'dvcqg' });
  });

  it('keeps a result dossier queued with SERVER_REJECTED while its intake dossier is not on the target', async () => {
    const srv = await server(mode);
    const st = station();
    configureTarget(st, srv);
    const r = await resultDossier(st, 'H15.50-261203-9999', '001085123456', 'mo-coi');
    const engine = syncEngineFor(st);
    await engine.syncNow();
    expect(getDossier(st.store, r.id)!.state).toBe('queued');
    expect(engine.status().lastErrorCode).toBe('SERVER_REJECTED');
    expect(targetDossier(srv.db, 'H15.50-261203-9999')).toBeUndefined();
  });
});
