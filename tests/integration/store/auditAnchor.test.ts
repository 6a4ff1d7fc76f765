import { afterEach, describe, expect, it } from 'vitest';
import { createStationServices } from '../../../electron/core/service/stationServices';
import { Station } from '../../../electron/core/station/station';
import { appendAudit } from '../../../electron/core/store/audit';
import { writeSyncSettings } from '../../../electron/core/sync/settings';
import { startOneStopServer, type OneStopServer } from '../../onestop-server/server';
import { runCli } from '../../helpers/cli';
import { signedInClient } from '../../helpers/session';
import { openStationDb } from '../../helpers/stationDb';
import { tempDir } from '../../helpers/tmp';
import { addBatch, drain, rng, syncEngineFor } from '../sync/fixtures';

const CODE = 'TEST-ENROL-ANCHOR';
const FAST = { timeoutMs: 4000, backoff: { baseMs: 20, maxMs: 200, permanentMs: 300 }, pollMs: 100, agencyCode: 'H15.50' };

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

interface DoctorReport {
  ok: boolean;
  checks: { id: string; status: string; detail?: string }[];
}

function doctor(dataDir: string): { code: number | null; report: DoctorReport } {
  const r = runCli(['doctor', '--json'], { SOHOA_DATA_DIR: dataDir });
  return { code: r.code, report: JSON.parse(r.stdout) as DoctorReport };
}

/** Cuts the access log back to `keep` rows, as someone holding the database key could (triggers dropped and restored). */
function cutTail(dataDir: string, keep: number): void {
  const db = openStationDb(dataDir);
  try {
    db.exec('DROP TRIGGER audit_event_no_delete');
    db.prepare('DELETE FROM audit_event WHERE seq > ?').run(keep);
    db.exec("CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END;");
  } finally {
    db.close();
  }
}

describe('audit chain anchored at the one-stop server (sohoa-v1)', () => {
  it('sends the chain head with each commit, and a cut tail of the encrypted log is detected at start and by doctor', async () => {
    const srv: OneStopServer = await startOneStopServer({ dataDir: tempDir('onestop-'), enrolmentCodes: [CODE], seed: 3 });
    cleanups.push(() => srv.close());
    const dataDir = tempDir('sohoa-anchor-');
    const st = Station.open({ dataDir, holder: 'test' });
    let closed = false;
    cleanups.push(() => (closed ? undefined : st.close()));
    expect(st.protection.encrypted).toBe(true);
    writeSyncSettings(st.store, { server: srv.url, ...FAST }, null);
    await syncEngineFor(st).enrol(CODE, null);
    // Rows before the commit (a clerk's reads), so the anchored head is well inside the log.
    for (let i = 0; i < 4; i++) appendAudit(st.store, { actor: 'u-lan', action: 'dossier.view', subjectType: 'dossier', subjectId: `D${i}` });
    await addBatch(st, rng(11), 2, 'anchor');
    await drain(st);

    const anchors = srv.state().auditAnchors.filter((a) => a.stationId === st.row.id);
    expect(anchors.length).toBeGreaterThan(0);
    const anchored = anchors.at(-1)!;
    const local = st.store.db.prepare('SELECT hash FROM audit_event WHERE seq = ?').get(anchored.seq) as { hash: string };
    expect(local.hash).toBe(anchored.head);
    // Work goes on after the commit: rows beyond the anchor are normal.
    for (let i = 0; i < 3; i++) appendAudit(st.store, { actor: 'u-lan', action: 'page.view', subjectType: 'page', subjectId: `P${i}` });
    await st.close();
    closed = true;

    const before = doctor(dataDir);
    expect(before.report.checks.find((c) => c.id === 'audit-chain')).toMatchObject({ status: 'ok', detail: expect.stringContaining(`anchored at row ${anchored.seq}`) });
    const intact = Station.open({ dataDir, holder: 'test' });
    expect(intact.protection.auditTruncatedAt).toBeNull();
    await intact.close();

    // The intruder deletes the anchored row and everything after it: what is left is a valid prefix of the chain.
    cutTail(dataDir, anchored.seq - 2);
    const reopened = Station.open({ dataDir, holder: 'test' });
    try {
      expect(reopened.protection.auditBrokenAt).toBeNull();
      expect(reopened.protection.auditTruncatedAt).toBe(anchored.seq);
      const info = await (await signedInClient(reopened, createStationServices(reopened).dispatcher)).call('station.info', {});
      expect(info.ok && info.value.auditTruncatedAt).toBe(anchored.seq);
    } finally {
      await reopened.close();
    }
    const after = doctor(dataDir);
    expect(after.report.checks.find((c) => c.id === 'audit-chain')).toMatchObject({ status: 'error', detail: expect.stringContaining('AUDIT_LOG_TRUNCATED') });
    expect(after.report.ok).toBe(false);
    expect(after.code).toBe(3); // CHECK_FAILED, as for a broken chain

    // The station wrote on past the anchored seq (the sign-in above did): the cut stays visible.
    const more = Station.open({ dataDir, holder: 'test' });
    for (let i = 0; i < 5; i++) appendAudit(more.store, { actor: 'u-lan', action: 'page.view', subjectType: 'page', subjectId: `Q${i}` });
    await more.close();
    const later = Station.open({ dataDir, holder: 'test' });
    try {
      expect((later.store.db.prepare('SELECT max(seq) AS m FROM audit_event').get() as { m: number }).m).toBeGreaterThanOrEqual(anchored.seq);
      expect(later.protection.auditTruncatedAt).toBe(anchored.seq);
    } finally {
      await later.close();
    }
    // A one-shot CLI command walks only after its checkpoint: the cut is still seen there.
    const oneShot = Station.open({ dataDir, holder: 'test', auditCheck: 'checkpoint' });
    try {
      expect(oneShot.protection.auditTruncatedAt).toBe(anchored.seq);
    } finally {
      await oneShot.close();
    }
  });

  it('refuses an anchor lowered by a database writer (its MAC does not hold)', async () => {
    const dataDir = tempDir('sohoa-anchor-forged-');
    const st = Station.open({ dataDir, holder: 'test' });
    for (let i = 0; i < 3; i++) appendAudit(st.store, { actor: 'u-lan', action: 'dossier.view', subjectType: 'dossier', subjectId: `D${i}` });
    await st.close();
    const db = openStationDb(dataDir);
    db.prepare("INSERT INTO setting (key, value_json, updated_at) VALUES ('audit.anchor', ?, ?)").run(
      JSON.stringify({ seq: 1, hash: 'a'.repeat(64), mac: 'b'.repeat(64) }),
      new Date().toISOString(),
    );
    db.close();
    const reopened = Station.open({ dataDir, holder: 'test' });
    try {
      expect(reopened.protection.auditBrokenAt).toBe(0);
    } finally {
      await reopened.close();
    }
  });
});
