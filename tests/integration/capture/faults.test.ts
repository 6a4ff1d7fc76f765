import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ErrorCode } from '../../../electron/common/errors';
import { findProcesses } from '../../../native-bridge/processes';
import { getJob, lowRes, openDemoStation, range, scanimagesUnder, seqs, tornBlobs, waitJob, type DemoStation } from './harness';

/**
 * Faults of the real SANE test backend. It fails a job only at its start, so the driver runs a load as one
 * scanimage per sheet and the test seam SOHOA_TEST_FAULT_AT_SHEET="N:STATUS" makes sheet N fail.
 */
let open: DemoStation | undefined;
afterEach(async () => {
  delete process.env.SOHOA_TEST_FAULT_AT_SHEET;
  delete process.env.SOHOA_SANE_LOAD;
  await open?.close();
  open = undefined;
});

async function startLowRes(s: DemoStation, opts: Record<string, string | number | boolean> = {}, watchdogMs?: number): Promise<string> {
  const r = await s.client.call('scan.start', { deviceId: 'sane:test:0', profile: lowRes(opts), componentId: s.componentId, ...(watchdogMs ? { watchdogMs } : {}) });
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.value.id;
}

/** Continues the job and checks the next load lands after the kept pages, in order, in the same component. */
async function continueAndCheck(s: DemoStation, jobId: string, kept: number, driverOptions?: Record<string, string | number | boolean>): Promise<void> {
  const c = await s.client.call('scan.continue', { jobId, ...(driverOptions ? { driverOptions } : {}) });
  expect(c.ok, JSON.stringify(c)).toBe(true);
  const j = await waitJob(s.client, jobId);
  expect(j.state).toBe('completed');
  expect(seqs(j)).toEqual(range(1, kept + 10));
  expect(j.pages.map((p) => p.position)).toEqual(range(1, kept + 10));
  expect(new Set(j.pages.map((p) => p.componentId))).toEqual(new Set([s.componentId]));
  expect(tornBlobs(s.dataDir)).toEqual([]);
}

const MID_BATCH: [string, string, ErrorCode][] = [
  ['feeder jams', 'SANE_STATUS_JAMMED', 'SCANNER_JAMMED'],
  ['cover is opened', 'SANE_STATUS_COVER_OPEN', 'SCANNER_COVER_OPEN'],
  ['device reports an I/O error', 'SANE_STATUS_IO_ERROR', 'SCANNER_IO_ERROR'],
  ['device reports busy', 'SANE_STATUS_DEVICE_BUSY', 'DEVICE_BUSY'],
  ['driver delivers a malformed (header-only) image', 'SANE_STATUS_EOF', 'IMAGE_CORRUPT'],
];

describe('faults in the middle of a batch', () => {
  for (const [what, status, code] of MID_BATCH) {
    it(`keeps captured pages and continues in order when the ${what} at sheet 4`, async () => {
      open = await openDemoStation();
      process.env.SOHOA_TEST_FAULT_AT_SHEET = `4:${status}`;
      const events: { type: string; data: Record<string, unknown> }[] = [];
      open.station.events.on('event', (e: { type: string; data: Record<string, unknown> }) => events.push(e));
      const jobId = await startLowRes(open);
      const j = await waitJob(open.client, jobId);
      expect(j.state).toBe('paused');
      expect(j.errorCode).toBe(code);
      expect(j.fault).toMatchObject({ code, seq: 4, continuable: true });
      expect(seqs(j)).toEqual([1, 2, 3]);
      expect(events.find((e) => e.type === 'scan.fault')?.data).toMatchObject({ jobId, code, seq: 4, pagesDone: 3 });
      // The load's own events end with scan.end (page.analysed of the last pages may follow: analysis runs beside capture).
      expect(events.filter((e) => e.type.startsWith('scan.')).at(-1)).toMatchObject({ type: 'scan.end', data: { state: 'paused', reason: 'fault', pagesDone: 3 } });
      await continueAndCheck(open, jobId, 3);
    });
  }

  it('reports an empty feeder at the start of a load as a fault, and can continue once paper is loaded', async () => {
    open = await openDemoStation();
    process.env.SOHOA_TEST_FAULT_AT_SHEET = '1:SANE_STATUS_NO_DOCS';
    const jobId = await startLowRes(open);
    const j = await waitJob(open.client, jobId);
    expect(j.state).toBe('paused');
    expect(j.fault).toMatchObject({ code: 'SCANNER_FEEDER_EMPTY', seq: 1, continuable: true });
    expect(j.pages).toEqual([]);
    await continueAndCheck(open, jobId, 0);
  });

  it('treats the feeder running empty after some sheets as the normal end of the load', async () => {
    open = await openDemoStation();
    process.env.SOHOA_TEST_FAULT_AT_SHEET = '6:SANE_STATUS_NO_DOCS';
    const jobId = await startLowRes(open);
    const j = await waitJob(open.client, jobId);
    expect(j.state).toBe('completed');
    expect(j.fault).toBeNull();
    expect(seqs(j)).toEqual([1, 2, 3, 4, 5]);
  });

  it('stops a hung scanner with the watchdog (real SIGSTOP), keeps the pages before it and continues', async () => {
    open = await openDemoStation();
    const { dataDir } = open;
    // ~0.5 s per sheet at 50 dpi so the test can catch a sheet in flight.
    const jobId = await startLowRes(open, { 'read-delay': true, 'read-delay-duration': 50_000 }, 1500);
    await waitJob(open.client, jobId, (x) => x.pagesDone >= 2);
    let stopped: number | undefined;
    const deadline = Date.now() + 20_000;
    while (stopped === undefined && Date.now() < deadline) {
      for (const p of findProcesses('scanimage', dataDir)) {
        try {
          process.kill(p.pid, 'SIGSTOP');
          stopped = p.pid;
          break;
        } catch {
          /* finished meanwhile */
        }
      }
      if (stopped === undefined) await new Promise((r) => setTimeout(r, 5));
    }
    expect(stopped).toBeDefined();
    const j = await waitJob(open.client, jobId);
    expect(j.state).toBe('paused');
    expect(j.fault).toMatchObject({ code: 'SCANNER_HANG', continuable: true });
    const kept = j.pagesDone;
    expect(kept).toBeGreaterThanOrEqual(2);
    expect(seqs(j)).toEqual(range(1, kept));
    expect(j.fault!.seq).toBe(kept + 1);
    expect(scanimagesUnder(dataDir)).toEqual([]);
    await continueAndCheck(open, jobId, kept, {});
  });

  it('reports a driver that dies mid-image as IMAGE_CORRUPT and keeps earlier pages', async () => {
    open = await openDemoStation();
    const { dataDir } = open;
    const jobId = await startLowRes(open, { 'read-delay': true, 'read-delay-duration': 50_000 });
    await waitJob(open.client, jobId, (x) => x.pagesDone >= 1);
    const deadline = Date.now() + 20_000;
    let killed = false;
    while (!killed && Date.now() < deadline) {
      for (const p of findProcesses('scanimage', dataDir)) {
        try {
          process.kill(p.pid, 'SIGKILL');
          killed = true;
        } catch {
          /* gone */
        }
      }
      if (!killed) await new Promise((r) => setTimeout(r, 5));
    }
    const j = await waitJob(open.client, jobId);
    expect(j.state).toBe('paused');
    expect(j.fault?.code).toBe('IMAGE_CORRUPT');
    expect(seqs(j)).toEqual(range(1, j.pagesDone));
    expect(j.pagesDone).toBeGreaterThanOrEqual(1);
    await continueAndCheck(open, jobId, j.pagesDone, {});
  });

  it('reports DEVICE_VANISHED when the device disappears between per-sheet starts, and continues when it is back', async () => {
    // A held load keeps the device open and never re-opens it mid-load; a device that vanishes between two
    // opens exists in per-sheet mode (SOHOA_SANE_LOAD=per-sheet). A network scanner vanishing in the middle of
    // a held load: tests/integration/escl/faults.test.ts.
    process.env.SOHOA_SANE_LOAD = 'per-sheet';
    open = await openDemoStation();
    const conf = join(open.dataDir, 'sane', 'test.conf');
    const original = readFileSync(conf, 'utf8');
    const r = await open.client.call('scan.start', {
      deviceId: 'sane:test:1',
      profile: lowRes({ 'read-delay': true, 'read-delay-duration': 30_000 }),
      componentId: open.componentId,
    });
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    const jobId = r.value.id;
    await waitJob(open.client, jobId, (x) => x.pagesDone >= 2);
    // The test backend now offers one device: test:1 is gone as an unplugged scanner (open fails, not listed).
    writeFileSync(conf, original.replace(/^number_of_devices .*$/m, 'number_of_devices 1'));
    const j = await waitJob(open.client, jobId);
    expect(j.state).toBe('paused');
    expect(j.fault?.code).toBe('DEVICE_VANISHED');
    expect(seqs(j)).toEqual(range(1, j.pagesDone));
    writeFileSync(conf, original);
    await continueAndCheck(open, jobId, j.pagesDone, {});
  });

  it('refuses to continue a running job or an unknown job', async () => {
    open = await openDemoStation();
    const jobId = await startLowRes(open, { 'read-delay': true, 'read-delay-duration': 30_000 });
    const again = await open.client.call('scan.continue', { jobId });
    expect(!again.ok && again.error.code).toBe('SCAN_IN_PROGRESS');
    const unknown = await open.client.call('scan.continue', { jobId: 'nope' });
    expect(!unknown.ok && unknown.error.code).toBe('SCAN_JOB_NOT_FOUND');
    await open.client.call('scan.cancel', { jobId });
    expect((await getJob(open.client, jobId)).state).toBe('cancelled');
  });
});
