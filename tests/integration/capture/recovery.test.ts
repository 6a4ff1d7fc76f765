import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { scanProfileSchema } from '../../../electron/common/capture';
import { insertScanJob } from '../../../electron/core/store/capture';
import { SaneDriver, spoolName } from '../../../native-bridge/sane/driver';
import { isAlive } from '../../../native-bridge/processes';
import { plainBlobCopy } from '../../helpers/stationDb';
import { tempDir } from '../../helpers/tmp';
import { until } from '../../helpers/until';
import { lowRes, openDemoStation, range, scanimagesUnder, seqs, tornBlobs, waitJob, type DemoStation } from './harness';

let open: DemoStation | undefined;
afterEach(async () => {
  await open?.close();
  open = undefined;
});

describe('restart recovery of the spool', () => {
  it('ingests finished spool pages in order, drops .part files, kills an orphaned scanimage and marks the job interrupted', async () => {
    open = await openDemoStation();
    const { station, dataDir, componentId } = open;
    const profile = scanProfileSchema.parse(lowRes());
    // A job the previous process was running when it died.
    const job = insertScanJob(station.store, { componentId, deviceId: 'sane:test:0', profileJson: JSON.stringify(profile) });
    const spool = join(dataDir, 'spool', job.id);
    mkdirSync(spool, { recursive: true });
    // Two sheets the driver had finished (real pages from the test backend), one torn sheet still in flight.
    const ref = tempDir();
    const driver = new SaneDriver({ env: { SANE_CONFIG_DIR: `${join(dataDir, 'sane')}:` } });
    const run = driver.scan('sane:test:0', profile, { spoolDir: ref, firstSeq: 1, watchdogMs: 30_000, midBatch: false });
    const end = await run.done;
    expect(end.reason).toBe('feeder-empty');
    copyFileSync(join(ref, spoolName(1)), join(spool, spoolName(1)));
    copyFileSync(join(ref, spoolName(2)), join(spool, spoolName(2)));
    writeFileSync(join(spool, `${spoolName(3)}.part`), readFileSync(join(ref, spoolName(3))).subarray(0, 1000));
    writeFileSync(join(spool, `${spoolName(2)}.ingest`), 'half-made hard link');
    // An orphaned scanimage still writing into this spool (own process group, as the driver starts it).
    const caps = await driver.capabilities('sane:test:0');
    const args = driver.sheetArgs('sane:test:0', caps, { ...profile, driverOptions: { 'read-delay': true, 'read-delay-duration': 200_000 } }, spool, 9);
    const orphan = spawn('scanimage', args, { env: { ...process.env, SANE_CONFIG_DIR: `${join(dataDir, 'sane')}:` }, detached: true, stdio: 'ignore' });
    orphan.unref();
    // The orphan is writing: its sheet's .part file is in the spool (waited for, not assumed after a delay).
    await until('the orphan writing its sheet', () => existsSync(join(spool, `${spoolName(9)}.part`)));
    expect(scanimagesUnder(dataDir)).toContain(orphan.pid);
    await open.close();

    open = await openDemoStation(dataDir);
    const recovered = await waitJob(open.client, job.id, () => true);
    expect(recovered.state).toBe('interrupted');
    expect(seqs(recovered)).toEqual([1, 2]);
    expect(recovered.pages.every((p) => p.width === 413 && p.componentId === componentId)).toBe(true);
    expect(isAlive(orphan.pid!)).toBe(false);
    expect(scanimagesUnder(dataDir)).toEqual([]);
    expect(readdirSync(spool).filter((f) => !f.startsWith('rejected'))).toEqual([]);
    expect(tornBlobs(dataDir)).toEqual([]);

    // The interrupted batch continues after its last stored page.
    const c = await open.client.call('scan.continue', { jobId: job.id });
    expect(c.ok, JSON.stringify(c)).toBe(true);
    const done = await waitJob(open.client, job.id);
    expect(done.state).toBe('completed');
    expect(seqs(done)).toEqual(range(1, 12));
  });

  it('does not record a page twice when the spool file outlived its committed row', async () => {
    open = await openDemoStation();
    const { client, componentId, dataDir } = open;
    const r = await client.call('scan.start', { deviceId: 'sane:test:0', profile: lowRes(), componentId });
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    const first = await waitJob(client, r.value.id);
    expect(seqs(first)).toEqual(range(1, 10));
    // A crash between the commit and the spool clean-up leaves the finished file behind.
    const spool = join(dataDir, 'spool', r.value.id);
    mkdirSync(spool, { recursive: true });
    const blob = first.pages[4]!.sha256;
    writeFileSync(join(spool, spoolName(5)), readFileSync(plainBlobCopy(dataDir, blob, tempDir()))); // the raw page, plaintext as the driver wrote it
    await open.close();
    open = await openDemoStation(dataDir);
    const after = await waitJob(open.client, r.value.id, () => true);
    expect(seqs(after)).toEqual(range(1, 10));
    expect(after.state).toBe('completed');
    expect(existsSync(join(spool, spoolName(5)))).toBe(false);
  });
});
