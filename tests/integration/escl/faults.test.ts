import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ErrorCode } from '../../../electron/common/errors';
import { EsclDriver, memoryDeviceStore } from '../../../native-bridge/escl/driver';
import { startEsclScanner, type EsclFault, type EsclScanner } from '../../escl-scanner/server';
import { selfSignedCert } from '../../onestop-server/tls';
import { tempDir } from '../../helpers/tmp';
import { signedInClient } from '../../helpers/session';
import { getJob, lowRes, openDemoStation, range, seqs, tornBlobs, waitJob, type DemoStation } from '../capture/harness';

/**
 * The station's eSCL driver against the virtual eSCL scanner: every fault is a coded error, the pages before it
 * are kept, and Continue finishes the load in order (as the SANE fault tests do).
 */
process.env.SOHOA_ESCL_DISCOVERY = '0';
let open: DemoStation | undefined;
let scanner: EsclScanner | undefined;
afterEach(async () => {
  await open?.close();
  open = undefined;
  await scanner?.close();
  scanner = undefined;
});

const profile = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({ ...lowRes({}, { resolution: 75 }), ...extra });

async function station(faults: EsclFault[], sheets = 6, opts: { pageMs?: number } = {}): Promise<{ s: DemoStation; deviceId: string }> {
  scanner = await startEsclScanner({ sheets, faults, ...opts });
  open = await openDemoStation();
  // Adding a network scanner is an admin's setting; the clerk then scans with it.
  const admin = await signedInClient(open.station, open.dispatcher, 'admin');
  const added = await admin.call('devices.addEscl', { url: scanner.url });
  if (!added.ok) throw new Error(JSON.stringify(added.error));
  return { s: open, deviceId: added.value.id };
}

async function start(s: DemoStation, deviceId: string, p = profile(), watchdogMs?: number): Promise<string> {
  const r = await s.client.call('scan.start', { deviceId, profile: p, componentId: s.componentId, ...(watchdogMs ? { watchdogMs } : {}) });
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.value.id;
}

async function continueToEnd(s: DemoStation, jobId: string, total: number): Promise<void> {
  const c = await s.client.call('scan.continue', { jobId });
  expect(c.ok, JSON.stringify(c)).toBe(true);
  const j = await waitJob(s.client, jobId);
  expect(j.state).toBe('completed');
  expect(seqs(j)).toEqual(range(1, total));
  expect(tornBlobs(s.dataDir)).toEqual([]);
}

const MID_LOAD: [string, EsclFault, ErrorCode][] = [
  ['feeder jams', { kind: 'jam', sheet: 3 }, 'SCANNER_JAMMED'],
  ['cover is opened', { kind: 'cover-open', sheet: 3 }, 'SCANNER_COVER_OPEN'],
  ['connection drops mid-image', { kind: 'drop', sheet: 3 }, 'SCANNER_IO_ERROR'],
];

describe('eSCL faults in the middle of a load', () => {
  for (const [what, fault, code] of MID_LOAD) {
    it(`keeps the pages before it and continues in order when the ${what} at sheet 3`, async () => {
      const { s, deviceId } = await station([fault]);
      const jobId = await start(s, deviceId);
      const j = await waitJob(s.client, jobId);
      expect(j.state).toBe('paused');
      expect(j.fault).toMatchObject({ code, seq: 3, continuable: true });
      expect(seqs(j)).toEqual([1, 2]);
      await continueToEnd(s, jobId, 6);
      // The job was deleted on the scanner after each end (no job left running there).
      expect(scanner!.requests.filter((r) => r.startsWith('DELETE')).length).toBeGreaterThanOrEqual(2);
    });
  }

  it('stops a scanner that stalls (watchdog → SCANNER_HANG), then continues in order', async () => {
    const { s, deviceId } = await station([{ kind: 'stall', sheet: 2 }], 4);
    const jobId = await start(s, deviceId, profile(), 1500);
    const j = await waitJob(s.client, jobId);
    expect(j.fault).toMatchObject({ code: 'SCANNER_HANG', seq: 2, continuable: true });
    expect(seqs(j)).toEqual([1]);
    await continueToEnd(s, jobId, 4);
  });

  it('reports DEVICE_VANISHED when the scanner disappears mid-load, and continues when it is back', async () => {
    const { s, deviceId } = await station([{ kind: 'stall', sheet: 3 }], 5);
    const jobId = await start(s, deviceId, profile(), 60_000);
    await waitJob(s.client, jobId, (x) => x.pagesDone === 2);
    const { port, uuid } = scanner!;
    await scanner!.close(); // switched off: the pending NextDocument breaks, then nothing answers
    const j = await waitJob(s.client, jobId);
    expect(j.fault).toMatchObject({ code: 'SCANNER_IO_ERROR', seq: 3, continuable: true });
    expect(seqs(j)).toEqual([1, 2]);
    const c1 = await s.client.call('scan.continue', { jobId });
    expect(c1.ok).toBe(true);
    const gone = await waitJob(s.client, jobId);
    expect(gone.fault).toMatchObject({ code: 'DEVICE_VANISHED', seq: 3, continuable: true });
    // Back on: the rest of the stack (sheet 3 was never fed) comes through in order.
    scanner = await startEsclScanner({ port, uuid, sheets: 5 });
    scanner.reload(5);
    await continueToEnd(s, jobId, 2 + 5);
  });

  it('reports an empty feeder at the start as a fault, and continues once paper is loaded', async () => {
    const { s, deviceId } = await station([{ kind: 'feeder-empty' }], 3);
    const jobId = await start(s, deviceId);
    const j = await waitJob(s.client, jobId);
    expect(j.fault).toMatchObject({ code: 'SCANNER_FEEDER_EMPTY', seq: 1, continuable: true });
    expect(j.pages).toEqual([]);
    await continueToEnd(s, jobId, 3);
  });

  it('waits through "busy" (503 + Retry-After) answers of a slow scanner', async () => {
    const { s, deviceId } = await station([], 2, { pageMs: 1200 });
    const jobId = await start(s, deviceId);
    const j = await waitJob(s.client, jobId);
    expect(j.state).toBe('completed');
    expect(seqs(j)).toEqual([1, 2]);
  });

  it('captures a duplex load front, back, front, back…', async () => {
    const { s, deviceId } = await station([], 3);
    const jobId = await start(s, deviceId, profile({ duplex: true }));
    const j = await waitJob(s.client, jobId);
    expect(j.state).toBe('completed');
    expect(seqs(j)).toEqual(range(1, 6));
    expect(scanner!.served.map((p) => `${p.sheet}${p.side[0]}`)).toEqual(['1f', '1b', '2f', '2b', '3f', '3b']);
  });

  it('cancels a running load: the job is deleted on the scanner and the pages so far are kept', async () => {
    const { s, deviceId } = await station([{ kind: 'stall', sheet: 3 }], 6);
    const jobId = await start(s, deviceId, profile(), 60_000);
    await waitJob(s.client, jobId, (x) => x.pagesDone === 2);
    const c = await s.client.call('scan.cancel', { jobId });
    expect(c.ok).toBe(true);
    const j = await getJob(s.client, jobId);
    expect(j.state).toBe('cancelled');
    expect(seqs(j)).toEqual([1, 2]);
    expect(scanner!.requests.at(-1)).toMatch(/^DELETE \/eSCL\/ScanJobs\//);
  });
});

describe('bad replies and certificates', () => {
  it('answers malformed XML with SCANNER_REPLY_MALFORMED, never a crash', async () => {
    scanner = await startEsclScanner({ faults: [{ kind: 'malformed' }] });
    const driver = new EsclDriver({ store: memoryDeviceStore() });
    await expect(driver.addDevice(scanner.url)).rejects.toMatchObject({ code: 'SCANNER_REPLY_MALFORMED' });
  });

  it('finds a known scanner again by its UUID after its address changed (DNS-SD answer)', async () => {
    scanner = await startEsclScanner({ sheets: 1 });
    const store = memoryDeviceStore();
    let announced: string | null = null;
    const driver = new EsclDriver({ store, browse: () => Promise.resolve(announced ? [{ uuid: scanner!.uuid, url: announced, name: 'moved' }] : []) });
    const { device } = await driver.addDevice(scanner.url);
    const oldUrl = scanner.url;
    await scanner.close();
    scanner = await startEsclScanner({ sheets: 1, uuid: scanner.uuid });
    announced = scanner.url;
    expect(oldUrl).not.toBe(scanner.url);
    const caps = await driver.capabilities(device.id);
    expect(caps.sources).toEqual(['flatbed', 'feeder']);
    expect(store.load()[0]!.url).toBe(scanner.url);
  });

  it('pins an HTTPS scanner certificate only after an admin confirms its fingerprint, and refuses a changed one', async () => {
    const dir = tempDir('sohoa-escl-tls-');
    const a = selfSignedCert(join(dir, 'a'));
    const tls = { cert: readFileSync(a.certFile, 'utf8'), key: readFileSync(a.keyFile, 'utf8') };
    scanner = await startEsclScanner({ tls, sheets: 1 });
    const store = memoryDeviceStore();
    const driver = new EsclDriver({ store });
    const first = await driver.addDevice(scanner.url).catch((e: unknown) => e);
    expect(first).toMatchObject({ code: 'SCANNER_CERT_NOT_TRUSTED', details: { fingerprint256: a.fingerprint256 } });
    expect(store.load()).toEqual([]);
    const { record } = await driver.addDevice(scanner.url, a.fingerprint256.toLowerCase());
    expect(record.pin).toBe(a.fingerprint256);
    // Same address, another certificate: refused.
    const port = scanner.port;
    const uuid = scanner.uuid;
    await scanner.close();
    const b = selfSignedCert(join(dir, 'b'));
    scanner = await startEsclScanner({ tls: { cert: readFileSync(b.certFile, 'utf8'), key: readFileSync(b.keyFile, 'utf8') }, port, uuid });
    await expect(new EsclDriver({ store }).capabilities(`escl:${uuid}`)).rejects.toMatchObject({ code: 'SCANNER_CERT_CHANGED' });
  });
});
