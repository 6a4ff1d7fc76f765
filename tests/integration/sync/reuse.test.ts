import { afterEach, describe, expect, it } from 'vitest';
import { reuseCandidates, takeReuse } from '../../../electron/core/dossiers/reuse';
import { completeDossier } from '../../../electron/core/dossiers/service';
import { Station } from '../../../electron/core/station/station';
import { getDossier } from '../../../electron/core/store/dossiers';
import { updateComponent } from '../../../electron/core/store/dossierEdits';
import { writeCredentials, writeSyncSettings } from '../../../electron/core/sync/settings';
import { startOneStopServer } from '../../onestop-server/server';
import { targetDossier } from '../../onestop-server/targetStore';
import { tempDir } from '../../helpers/tmp';
import { addSignedDocument, khaiSinh, smallPdf, syncEngineFor } from './fixtures';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const OWNER = '001085123456';

describe('reuse look-up (digitise once)', () => {
  it('offers a still valid component digitised earlier for the same CCCD and, when taken, syncs it with the reuse fields set', async () => {
    const st = Station.open({ dataDir: tempDir('station-'), holder: 'test' });
    cleanups.push(() => st.close());
    const at = new Date().toISOString();
    const comp = (d: ReturnType<typeof khaiSinh>, code: string) => d.components.find((c) => c.typeCode === code)!;
    // Earlier dossiers: the same citizen (valid, and expired), and another citizen.
    const earlier = khaiSinh(st, OWNER, 'trước đây');
    updateComponent(st.store, comp(earlier, 'KS-TK').id, { validFrom: '2025-01-01', validTo: '2099-12-31' }, at);
    const kept = addSignedDocument(st, comp(earlier, 'KS-TK').id, await smallPdf('to khai cu'), 'to-khai.pdf');
    const expired = khaiSinh(st, OWNER, 'hết hạn');
    updateComponent(st.store, comp(expired, 'KS-TK').id, { validTo: '2020-01-01' }, at);
    addSignedDocument(st, comp(expired, 'KS-TK').id, await smallPdf('het han'), 'het-han.pdf');
    const other = khaiSinh(st, '001085999999', 'người khác');
    addSignedDocument(st, comp(other, 'KS-TK').id, await smallPdf('nguoi khac'), 'khac.pdf');

    const now = khaiSinh(st, OWNER, 'hôm nay');
    const tk = comp(now, 'KS-TK');
    const offered = reuseCandidates(st, tk.id);
    expect(offered.map((c) => c.documentId)).toEqual([kept.id]);
    expect(offered[0]).toMatchObject({ sha256: kept.sha256, dossierId: earlier.id, validTo: '2099-12-31', typeCode: 'KS-TK' });
    // A component of another code has nothing to offer; a document not offered cannot be taken.
    expect(reuseCandidates(st, comp(now, 'KS-GCS').id)).toEqual([]);
    expect(() => takeReuse(st, comp(now, 'KS-GCS').id, { documentId: kept.id }, 'local')).toThrow(/not a valid reuse candidate/);

    const after = takeReuse(st, tk.id, { documentId: kept.id }, 'local');
    expect(after.components.find((c) => c.id === tk.id)).toMatchObject({ reuse: 'reused', fromNationalStore: false });
    // The component says where its document came from (shown on the counter instead of a scan).
    expect(after.components.find((c) => c.id === tk.id)?.reusedFrom).toMatchObject({ source: 'local', dossierId: earlier.id, dossierCode: null });
    addSignedDocument(st, comp(now, 'KS-GCS').id, await smallPdf('giay chung sinh moi'), 'gcs.pdf');
    completeDossier(st.store, now.id, true, 'local');

    const srv = await startOneStopServer({ dataDir: tempDir('onestop-'), mode: 'dvcqg', accounts: [{ name: 'tram', secret: 'pw-reuse-1' }], seed: 2 });
    cleanups.push(() => srv.close());
    writeSyncSettings(st.store, { server: srv.url, adapter: 'dvcqg', agencyCode: 'H15.50', timeoutMs: 4000, backoff: { baseMs: 20, maxMs: 200, permanentMs: 300 } }, null);
    writeCredentials(st.store, srv.url, { clientId: '', clientSecret: '', username: 'tram', password: 'pw-reuse-1' }, null);
    const engine = syncEngineFor(st);
    for (let i = 0; i < 5 && getDossier(st.store, now.id)!.state !== 'synced'; i++) await engine.syncNow();
    const d = getDossier(st.store, now.id)!;
    expect(d.state).toBe('synced');
    const onServer = targetDossier(srv.db, d.serverCode!)!;
    const tl = onServer.body.TaiLieuNop as Record<string, string>[];
    const reused = tl.find((t) => t.MaThanhPhanHoSo === 'KS-TK')!;
    expect(reused).toMatchObject({ DuocTaiSuDung: '1', DuocLayTuKhoDMQG: '0', DuocSoHoa: '1', HashTepTin: kept.sha256, MaKetQuaThayThe: '' });
    expect(tl.find((t) => t.MaThanhPhanHoSo === 'KS-GCS')).toMatchObject({ DuocTaiSuDung: '0' });
    expect(onServer.files.map((f) => f.sha256)).toContain(kept.sha256);
  });
});
