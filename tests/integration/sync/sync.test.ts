import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Station } from '../../../electron/core/station/station';
import { getDossier } from '../../../electron/core/store/dossiers';
import { sql } from '../../../electron/core/store/sql';
import { syncEngineFor } from '../../../electron/core/sync/engine';
import { writeSyncSettings } from '../../../electron/core/sync/settings';
import { startOneStopServer, type OneStopServer } from '../../onestop-server/server';
import { selfSignedCert } from '../../onestop-server/tls';
import { tempDir } from '../../helpers/tmp';
import { addBatch, drain, rng } from './fixtures';

const CODE = 'TEST-ENROL-0001';
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function server(opts: Partial<Parameters<typeof startOneStopServer>[0]> = {}): Promise<OneStopServer> {
  const s = await startOneStopServer({ dataDir: tempDir('onestop-'), enrolmentCodes: [CODE], seed: 1, ...opts });
  cleanups.push(() => s.close());
  return s;
}

function station(): Station {
  const st = Station.open({ dataDir: tempDir('station-'), holder: 'test' });
  cleanups.push(() => st.close());
  return st;
}

const FAST = { timeoutMs: 4000, backoff: { baseMs: 20, maxMs: 200, permanentMs: 300 }, pollMs: 100, agencyCode: 'H15.50' };

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}


describe('sync with the reference one-stop server', () => {
  it('delivers a queued dossier, binds the server code and keeps the draft id', async () => {
    const srv = await server();
    const st = station();
    writeSyncSettings(st.store, { server: srv.url, ...FAST }, null);
    await syncEngineFor(st).enrol(CODE, null);
    const b = await addBatch(st, rng(7), 3, 'one');
    expect(getDossier(st.store, b.dossierId)!.state).toBe('queued');
    await drain(st);
    const d = getDossier(st.store, b.dossierId)!;
    expect(d.id).toBe(b.dossierId);
    expect(d.state).toBe('synced');
    expect(d.serverCode).toMatch(/^H15\.50-\d{6}-\d{4}$/);
    const onServer = srv.state().dossiers.find((x) => x.draftId === b.dossierId)!;
    expect(onServer.dossierCode).toBe(d.serverCode);
    expect(onServer.files.map((f) => f.sha256).sort()).toEqual([...b.hashes].sort());
    const states = st.store.all<{ state: string }>(sql`SELECT state FROM document`).map((r) => r.state);
    expect(states).toEqual(['synced', 'synced', 'synced']);
  });

  it('keeps a dossier created offline as a draft id, reports OFFLINE, and syncs with the bound code once the server is up', async () => {
    const port = await freePort();
    const st = station();
    writeSyncSettings(st.store, { server: `http://127.0.0.1:${port}`, ...FAST }, null);
    // Enrolled earlier (credentials issued by this server's data dir once it runs).
    const dataDir = tempDir('onestop-');
    const first = await startOneStopServer({ dataDir, port, enrolmentCodes: [CODE], seed: 2 });
    await syncEngineFor(st).enrol(CODE, null);
    await first.close();

    const b = await addBatch(st, rng(8), 2, 'offline');
    const engine = syncEngineFor(st);
    const r = await engine.syncNow();
    expect(r.synced).toBe(0);
    const status = engine.status();
    expect(status.online).toBe(false);
    expect(status.state).toBe('offline');
    expect(status.lastErrorCode).toBe('OFFLINE');
    const row = st.store.get<{ last_error_code: string; attempts: number; state: string }>(
      sql`SELECT last_error_code, attempts, state FROM outbox WHERE kind = 'commit' AND dossier_id = ${b.dossierId}`,
    )!;
    expect(row).toMatchObject({ last_error_code: 'OFFLINE', state: 'pending' });
    expect(getDossier(st.store, b.dossierId)).toMatchObject({ id: b.dossierId, serverCode: null, state: 'queued' });

    const srv = await startOneStopServer({ dataDir, port, enrolmentCodes: [CODE], seed: 3 });
    cleanups.push(() => srv.close());
    await drain(st);
    const d = getDossier(st.store, b.dossierId)!;
    expect(d.id).toBe(b.dossierId);
    expect(d.serverCode).toBe(srv.state().dossiers.find((x) => x.draftId === b.dossierId)!.dossierCode);
    expect(engine.status().online).toBe(true);
  });

  it('answers malformed and truncated replies with SERVER_REPLY_MALFORMED, retries, and loses nothing', async () => {
    const srv = await server();
    const st = station();
    writeSyncSettings(st.store, { server: srv.url, ...FAST }, null);
    await syncEngineFor(st).enrol(CODE, null);
    const b = await addBatch(st, rng(9), 2, 'garbled');
    const lastError = (): { last_error_code: string | null; attempts: number } =>
      st.store.get<{ last_error_code: string | null; attempts: number }>(
        sql`SELECT last_error_code, attempts FROM outbox WHERE kind = 'commit' AND dossier_id = ${b.dossierId}`,
      )!;
    // Slow backoff so the failed attempt stays visible before the retry.
    writeSyncSettings(st.store, { backoff: { baseMs: 400, maxMs: 400 } }, null);
    srv.queueFault('malformed', 4); // more than the engine's quick retries of one call
    const first = await syncEngineFor(st).runPass();
    expect(first).toMatchObject({ failed: 1, synced: 0 });
    expect(syncEngineFor(st).status().lastErrorCode).toBe('SERVER_REPLY_MALFORMED');
    expect(lastError()).toMatchObject({ last_error_code: 'SERVER_REPLY_MALFORMED', attempts: 1 });
    expect(getDossier(st.store, b.dossierId)!.state).toBe('queued');
    srv.queueFault('truncated', 4);
    await new Promise((r) => setTimeout(r, 450));
    const second = await syncEngineFor(st).runPass();
    expect(second).toMatchObject({ failed: 1, synced: 0 });
    expect(lastError()).toMatchObject({ last_error_code: 'SERVER_REPLY_MALFORMED', attempts: 2 });
    await drain(st);
    const onServer = srv.state().dossiers.filter((x) => x.draftId === b.dossierId);
    expect(onServer).toHaveLength(1);
    expect(onServer[0]!.files.map((f) => f.sha256).sort()).toEqual([...b.hashes].sort());
  });

  it('refuses a server whose TLS certificate it does not trust (TLS_UNTRUSTED), and syncs once its CA is configured', async () => {
    const certs = selfSignedCert(tempDir('tls-'));
    const srv = await server({ tls: { cert: certs.cert, key: certs.key } });
    expect(srv.url.startsWith('https://')).toBe(true);
    const st = station();
    writeSyncSettings(st.store, { server: srv.url, ...FAST }, null);
    await expect(syncEngineFor(st).enrol(CODE, null)).rejects.toMatchObject({ code: 'TLS_UNTRUSTED' });
    expect(srv.stats().enrolments.created).toBe(0);
    writeSyncSettings(st.store, { caFile: certs.certFile }, null);
    await syncEngineFor(st).enrol(CODE, null);
    const b = await addBatch(st, rng(10), 1, 'tls');
    await drain(st);
    expect(getDossier(st.store, b.dossierId)!.state).toBe('synced');
  });

  it('re-sends a synced dossier when results are added later and the server answers an updated receipt', async () => {
    const srv = await server();
    const st = station();
    writeSyncSettings(st.store, { server: srv.url, ...FAST }, null);
    await syncEngineFor(st).enrol(CODE, null);
    const b = await addBatch(st, rng(11), 2, 'results');
    await drain(st);
    const code = getDossier(st.store, b.dossierId)!.serverCode;
    const { addResults, completeDossier } = await import('../../../electron/core/dossiers/service');
    const withResults = addResults(st.store, b.dossierId, 'local');
    const result = withResults.components.find((c) => c.kind === 'result')!;
    const { addSignedDocument, smallPdf } = await import('./fixtures');
    const doc = addSignedDocument(st, result.id, await smallPdf('giay khai sinh'), 'ket-qua.pdf');
    completeDossier(st.store, b.dossierId, true, 'local');
    await drain(st);
    const d = getDossier(st.store, b.dossierId)!;
    expect(d.serverCode).toBe(code);
    expect(d.state).toBe('synced');
    const onServer = srv.state().dossiers.filter((x) => x.draftId === b.dossierId);
    expect(onServer).toHaveLength(1);
    expect(onServer[0]!.files.map((f) => f.sha256).sort()).toEqual([...b.hashes, doc.sha256].sort());
  });
});

export { join };
