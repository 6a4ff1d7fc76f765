import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Station } from '../../../electron/core/station/station';
import { sql } from '../../../electron/core/store/sql';
import { writeCredentials, writeSyncSettings } from '../../../electron/core/sync/settings';
import { MODE_FAULT_KINDS } from '../../onestop-server/faults';
import { SERVER_MODES, startOneStopServer, type OneStopServer, type ServerMode } from '../../onestop-server/server';
import { api, startService, type RunningService } from '../../helpers/cli';
import { tempDir } from '../../helpers/tmp';
import { addBatch, rng, seedFromEnv, syncEngineFor } from './fixtures';

/**
 * The fault test of issue 7: the reference server injects every fault kind at random (seeded) while the
 * station service — a real `sohoa serve` process — is SIGKILLed (whole process group) at random points.
 * At the end the server must hold exactly the documents the station captured: none lost, none duplicated,
 * every hash matching, every dossier bound to its server code. Rerun a failure with SOHOA_SYNC_SEED=<seed>.
 */
const SOAK = process.env.SOHOA_SOAK === '1';
const CODE = 'FAULT-ENROL-0001';
const CLIENT = { name: 'fault-client', secret: 'fault-secret-0001' };
const ACCOUNT = { name: 'fault-tram', secret: 'fault-pass-0001' };
/** Modes to run (SOHOA_SYNC_MODES=dvcqg to repeat one). The provincial modes get a bounded slice in the suite. */
const MODES = (process.env.SOHOA_SYNC_MODES?.split(',') ?? SERVER_MODES) as ServerMode[];
function sizes(mode: ServerMode): { batches: number; kills: number } {
  const full = mode === 'sohoa-v1' ? { batches: 200, kills: 10 } : { batches: 60, kills: 4 };
  return {
    batches: Number(process.env.SOHOA_SYNC_BATCHES ?? (SOAK ? 1000 : full.batches)),
    kills: Number(process.env.SOHOA_SYNC_KILLS ?? (SOAK ? 50 : full.kills)),
  };
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface Captured {
  dossierId: string;
  hashes: string[];
}

async function addBatches(dataDir: string, r: () => number, n: number, from: number, out: Captured[]): Promise<void> {
  const st = Station.open({ dataDir, holder: 'test' });
  try {
    for (let i = 0; i < n; i++) out.push(await addBatch(st, r, 1 + Math.floor(r() * 5), `b${from + i}`));
  } finally {
    await st.close();
  }
}

/**
 * Waits until the outbox is empty for as long as the station keeps delivering: it fails when the outbox stops
 * moving for `stallMs` (far longer than any backoff, Retry-After or request timeout of this test), not after a
 * fixed total, which a busy machine crossed while the station was still delivering.
 */
async function waitDrained(svc: RunningService, stallMs: number): Promise<unknown> {
  let last: unknown;
  let seen = '';
  let movedAt = Date.now();
  for (;;) {
    const res = await api(svc, 'sync.status');
    last = res.body;
    const v = (res.body as { ok: boolean; value?: { pendingDossiers: number; failedDossiers: number; pendingUploads: number; syncedDocuments: number } }).value;
    if (v && v.pendingDossiers === 0 && v.failedDossiers === 0) return last;
    if (process.env.SOHOA_SYNC_DEBUG === '1') console.log(JSON.stringify(v));
    const now = v ? `${v.pendingDossiers}/${v.failedDossiers}/${v.pendingUploads}/${v.syncedDocuments}` : '';
    if (now !== seen) {
      seen = now;
      movedAt = Date.now();
    } else if (Date.now() - movedAt > stallMs) {
      throw new Error(`station stopped draining its outbox (no change in ${stallMs} ms): ${JSON.stringify(last)}`);
    }
    await sleep(300);
  }
}

describe.each(MODES)('sync under random server faults and station kills (%s)', (mode) => {
  const { batches: BATCHES, kills: KILLS } = sizes(mode);
  it(`delivers ${BATCHES} batches exactly once through ${KILLS} SIGKILLs of the station and every server fault kind`, async () => {
    const seed = seedFromEnv('SOHOA_SYNC_SEED');

    console.log(`[sync fault test] mode=${mode} SOHOA_SYNC_SEED=${seed} batches=${BATCHES} kills=${KILLS}`);
    const r = rng(seed);
    const srv: OneStopServer = await startOneStopServer({
      dataDir: tempDir('onestop-'),
      mode,
      clients: [CLIENT],
      accounts: [ACCOUNT],
      enrolmentCodes: [CODE],
      agencies: ['H15.50'],
      randomFaults: true,
      seed,
      // Delays shorter than the default 1.5 s keep the suite inside its time budget; the kind still fires.
      faults: { delay: { p: 0.05, param: 400 } },
    });
    cleanups.push(() => srv.close());

    const dataDir = tempDir('station-');
    if (process.env.SOHOA_SYNC_DEBUG === '1') console.log('station data dir', dataDir);  
    {
      const st = Station.open({ dataDir, holder: 'test' });
      try {
        writeSyncSettings(st.store, { server: srv.url, adapter: mode, agencyCode: 'H15.50', timeoutMs: 5000, pollMs: 100, concurrency: 4, backoff: { baseMs: 30, maxMs: 800, permanentMs: 1500 } }, null);
        if (mode === 'dvc-bo') writeCredentials(st.store, srv.url, { clientId: CLIENT.name, clientSecret: CLIENT.secret }, null);
        if (mode === 'dvcqg') writeCredentials(st.store, srv.url, { clientId: '', clientSecret: '', username: ACCOUNT.name, password: ACCOUNT.secret }, null);
        // Enrolment goes through the faulty server too: retry like a technician would.
        for (let i = 0; mode === 'sohoa-v1'; i++) {
          try {
            await syncEngineFor(st).enrol(CODE, null);
            break;
          } catch (err) {
            if (i > 30) throw err;
            await sleep(50);
          }
        }
      } finally {
        await st.close();
      }
    }

    const captured: Captured[] = [];
    const perRound = Math.ceil(BATCHES / (KILLS + 1));
    for (let k = 0; k < KILLS; k++) {
      await addBatches(dataDir, r, Math.min(perRound, BATCHES - captured.length), captured.length, captured);
      const svc = await startService(dataDir, [], { SOHOA_LOG_STDERR: '0' });
      cleanups.push(() => svc.kill());
      await sleep(200 + Math.floor(r() * 2300));
      await svc.kill(); // SIGKILL to the process group: a power cut mid-sync
    }
    await addBatches(dataDir, r, BATCHES - captured.length, captured.length, captured);
    const svc = await startService(dataDir);
    cleanups.push(() => svc.stop());
    await waitDrained(svc, 60_000);
    await svc.stop();

    // ---- what the station holds ----
    const st = Station.open({ dataDir, holder: 'test' });
    cleanups.push(() => st.close());
    const dossiers = st.store.all<{ id: string; server_code: string | null; state: string }>(sql`SELECT id, server_code, state FROM dossier`);
    expect(dossiers).toHaveLength(BATCHES);
    for (const d of dossiers) {
      expect(d.state, d.id).toBe('synced');
      expect(d.server_code, d.id).toMatch(/^H15\.50-\d{6}-\d{4,}$/);
    }
    const notSynced = st.store.get<{ n: number }>(sql`SELECT count(*) AS n FROM document WHERE state != 'synced'`)!.n;
    expect(notSynced).toBe(0);

    // ---- what the server holds: exactly the same, once ----
    const state = srv.state();
    expect(state.dossiers).toHaveLength(BATCHES); // no dossier created twice
    // The provincial targets never see our draft id: the bound MaHoSo is the key there.
    const byCode = new Map(state.dossiers.map((d) => [d.dossierCode, d]));
    expect(byCode.size).toBe(BATCHES);
    const codeOf = new Map(dossiers.map((d) => [d.id, d.server_code]));
    let docs = 0;
    for (const c of captured) {
      const s = byCode.get(codeOf.get(c.dossierId) ?? '');
      expect(s, c.dossierId).toBeDefined();
      if (mode === 'sohoa-v1') expect(s!.draftId).toBe(c.dossierId);
      expect(s!.files.map((f) => f.sha256).sort()).toEqual([...c.hashes].sort()); // none lost, none extra
      docs += c.hashes.length;
    }
    const allHashes = new Set(captured.flatMap((c) => c.hashes));
    expect(allHashes.size).toBe(docs);
    // Every file attached to a dossier is one the station captured, attached once, with matching bytes.
    const attached = state.files.filter((f) => f.attached);
    expect(attached).toHaveLength(docs);
    expect(new Set(attached.map((f) => f.sha256)).size).toBe(docs);
    // Protocol v1 stores by hash: nothing unattached. DVC Bộ makes a new file id per upload, so an upload whose
    // reply was lost leaves an unreferenced (orphan) file there — as on the real system; never attached twice.
    if (mode !== 'dvc-bo') expect(state.files).toHaveLength(docs);
    for (const f of state.files) {
      expect(allHashes.has(f.sha256)).toBe(true);
      const bytes = readFileSync(join(srv.dataDir, 'files', f.sha256));
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(f.sha256);
    }
    const fired = srv.stats().faults;

    console.log(`[sync fault test] mode=${mode} seed=${seed} faults fired: ${JSON.stringify(fired)} orphan files: ${state.files.length - attached.length}`);
    for (const kind of MODE_FAULT_KINDS[mode]) expect(fired[kind], `fault ${kind} never fired`).toBeGreaterThan(0);
    // The timeout only catches a hang: a station that stops delivering fails the stall check above within 60 s.
    // Under a loaded CI the 200-batch slice took 170–206 s of an earlier 300 s limit (77 s idle).
  }, SOAK ? 3_600_000 : 900_000);
});
