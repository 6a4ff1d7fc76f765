import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Station } from '../../../electron/core/station/station';
import { getDossier } from '../../../electron/core/store/dossiers';
import { getProcedure, procedureComponents } from '../../../electron/core/store/procedures';
import { writeCredentials } from '../../../electron/core/sync/settings';
import type { startOneStopServer, OneStopServer, ServerMode } from '../../onestop-server/server';
import { tempDir } from '../../helpers/tmp';
import { addBatch, configureTarget, drain, rng, startTargetServer, syncEngineFor } from './fixtures';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

export async function targetServer(mode: ServerMode, opts: Partial<Parameters<typeof startOneStopServer>[0]> = {}): Promise<OneStopServer> {
  const s = await startTargetServer(mode, opts);
  cleanups.push(() => s.close());
  return s;
}

function station(): Station {
  const st = Station.open({ dataDir: tempDir('station-'), holder: 'test' });
  cleanups.push(() => st.close());
  return st;
}


describe.each(['dvc-bo', 'dvcqg'] as const)('sync to the %s reference server', (mode) => {
  it('delivers queued dossiers: every document once on the server, hashes matching, the server code bound', async () => {
    const srv = await targetServer(mode);
    const st = station();
    configureTarget(st, srv);
    const r = rng(11);
    const batches = [await addBatch(st, r, 3, 'a'), await addBatch(st, r, 1, 'b')];
    await drain(st);
    const state = srv.state();
    expect(state.dossiers).toHaveLength(2);
    for (const b of batches) {
      const d = getDossier(st.store, b.dossierId)!;
      expect(d.state).toBe('synced');
      expect(d.serverCode).toMatch(/^H15\.50-\d{6}-\d{4}$/);
      const onServer = state.dossiers.find((x) => x.dossierCode === d.serverCode)!;
      expect(onServer.files.map((f) => f.sha256).sort()).toEqual([...b.hashes].sort());
    }
    // What the server keeps are the bytes it received (dvc-bo: multipart; dvcqg: fetched from DuongDanTaiTepTin).
    const attached = state.files.filter((f) => f.attached);
    expect(attached).toHaveLength(4);
    for (const f of attached) {
      if (mode === 'dvcqg') expect(f.fileId).toMatch(/^Q-/);
      expect(createHash('sha256').update(readFileSync(join(srv.dataDir, 'files', f.sha256))).digest('hex')).toBe(f.sha256);
    }
    expect(srv.stats().faults).toBeDefined();
  });

  it('finds a dossier whose create reply was lost by its MaHoSo and does not create it twice', async () => {
    const srv = await targetServer(mode);
    const st = station();
    configureTarget(st, srv);
    const b = await addBatch(st, rng(5), 2, 'lost');
    srv.queueFault('commit-lost');
    await drain(st);
    expect(srv.stats().faults['commit-lost']).toBe(1);
    const d = getDossier(st.store, b.dossierId)!;
    expect(d.state).toBe('synced');
    expect(srv.state().dossiers).toHaveLength(1);
    expect(srv.state().dossiers[0]!.dossierCode).toBe(d.serverCode);
  });

  it('renews an expired token/session mid-batch and shows the raw reply in sync test', async () => {
    const srv = await targetServer(mode);
    const st = station();
    configureTarget(st, srv);
    await addBatch(st, rng(9), 2, 'exp');
    srv.queueFault('expire-token', 2);
    await drain(st);
    expect(srv.stats().faults['expire-token']).toBeGreaterThan(0);
    const t = await syncEngineFor(st).test();
    expect(t.ok).toBe(true);
    expect(t.adapter).toBe(mode);
    expect(t.exchanges[0]!.status).toBe(200);
    expect(t.exchanges[0]!.body).toContain(mode === 'dvcqg' ? '"error_code"' : '"code":200');
    // Wrong credentials: the server's own words come back, coded.
    writeCredentials(st.store, srv.url, { clientId: 'x', clientSecret: 'y', username: 'x', password: 'y' }, null);
    const bad = await syncEngineFor(st).test();
    expect(bad.ok).toBe(false);
    expect(bad.errorCode).toBe('SERVER_AUTH_FAILED');
  });
});

describe.each(['dvc-bo', 'dvcqg'] as const)('official catalogue from the %s target', (mode) => {
  it('loads commune and province procedures as confirmed with their components and results, skipping the district level', async () => {
    const srv = await targetServer(mode);
    const st = station();
    configureTarget(st, srv);
    const r = await syncEngineFor(st).fetchCatalogue(null);
    expect(r.procedures).toBe(2);
    expect(r.skipped.map((x) => x.code)).toEqual(['2.002000']);
    const ks = getProcedure(st.store, '1.001193')!;
    expect(ks.confirmed).toBe(1);
    expect(procedureComponents(st.store, '1.001193').map((c) => [c.type_code, c.kind, c.required])).toEqual([
      ['KS-TK', 'intake', 1],
      ['KS-GCS', 'intake', 1],
      ['KS-UQ', 'intake', 0],
      ['KS-KQ', 'result', 1],
    ]);
    expect(getProcedure(st.store, '2.002000')).toBeUndefined();
  });
});
