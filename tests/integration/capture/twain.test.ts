import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../helpers/tmp';
import { createWineRig, sheetOf, type WineRig } from '../../fixtures/twain/rig';
import { lowRes, openDemoStation, range, seqs, tornBlobs, waitJob, type DemoStation } from './harness';

/**
 * TWAIN for real: the station's TWAIN driver runs the x86-64 helper under Wine against Wine's TWAIN DSM and
 * the project's test data source (an ADF with numbered sheets), and every page goes through the durable
 * ingest like a SANE page. Always run by scripts/test (it installs Wine); never skipped.
 */
const DEVICE = 'twain:x64:SoHoa Test ADF';
let rig: WineRig;
let open: DemoStation | undefined;
const saved: Record<string, string | undefined> = {};

beforeAll(() => {
  rig = createWineRig(tempDir('sohoa-twain-', { scope: 'file' }));
  for (const [k, v] of Object.entries(rig.env)) {
    saved[k] = process.env[k];
    process.env[k] = v;
  }
}, 900_000);

afterAll(() => {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  rig?.stop();
});

afterEach(async () => {
  await open?.close();
  open = undefined;
});

async function start(s: DemoStation, extra: Parameters<typeof lowRes>[1]): Promise<string> {
  const r = await s.client.call('scan.start', { deviceId: DEVICE, profile: lowRes({}, extra), componentId: s.componentId });
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.value.id;
}

/** Sheet and side printed on each stored page, read back (decrypted, hash-checked) from the blob store. */
function printed(s: DemoStation, j: Awaited<ReturnType<typeof waitJob>>): string[] {
  return j.pages.map((p) => {
    const { sheet, side } = sheetOf(s.station.blobs.get(p.sha256, { verify: true }));
    return `${sheet}${side === 'front' ? 'F' : 'B'}`;
  });
}

describe('TWAIN under Wine (helper + DSM + the project test data source)', { timeout: 600_000 }, () => {
  it('lists the test data source through the TWAIN driver', async () => {
    open = await openDemoStation();
    const r = await open.client.call('devices.list', {});
    expect(r.ok, JSON.stringify(r)).toBe(true);
    if (!r.ok) return;
    const d = r.value.find((x: { id: string }) => x.id === DEVICE);
    expect(d).toMatchObject({ driver: 'twain', name: 'SoHoa Test ADF', vendor: 'SoHoa Station' });
  });

  it('captures a 10-sheet duplex load in order (front, back, front, back…)', async () => {
    rig.load(10);
    open = await openDemoStation();
    const jobId = await start(open, { duplex: true, pixelType: 'gray' });
    const j = await waitJob(open.client, jobId, undefined, 300_000);
    expect(j.state, JSON.stringify(j.fault)).toBe('completed');
    expect(seqs(j)).toEqual(range(1, 20));
    expect(j.pages.every((p) => p.pixelType === 'gray' && p.dpi === 50 && p.width === 414 && p.height === 585)).toBe(true);
    expect(printed(open, j)).toEqual(range(1, 10).flatMap((n) => [`${n}F`, `${n}B`]));
    expect(tornBlobs(open.dataDir)).toEqual([]);
    expect(rig.feeder().sheets).toBe('0');
  });

  it('keeps the k−1 sheets before a jam at sheet k, and Continue finishes the load in order', async () => {
    rig.load(10, 1, 'jam@4');
    open = await openDemoStation();
    const jobId = await start(open, {});
    const j = await waitJob(open.client, jobId, undefined, 300_000);
    expect(j.state).toBe('paused');
    expect(j.errorCode).toBe('SCANNER_JAMMED');
    expect(j.fault).toMatchObject({ code: 'SCANNER_JAMMED', seq: 4, continuable: true });
    expect(seqs(j)).toEqual([1, 2, 3]);
    expect(printed(open, j)).toEqual(['1F', '2F', '3F']);
    // The clerk cleared the jam and put sheet 4 back: the feeder holds sheets 4–10.
    expect(rig.feeder()).toMatchObject({ sheets: '7', next: '4' });
    const c = await open.client.call('scan.continue', { jobId });
    expect(c.ok, JSON.stringify(c)).toBe(true);
    const done = await waitJob(open.client, jobId, undefined, 300_000);
    expect(done.state).toBe('completed');
    expect(seqs(done)).toEqual(range(1, 10));
    expect(printed(open, done)).toEqual(range(1, 10).map((n) => `${n}F`));
    expect(done.pages.every((p) => p.pixelType === 'color')).toBe(true);
    expect(tornBlobs(open.dataDir)).toEqual([]);
  });

  it('reports an open cover (TWCC_INTERLOCK) and an empty feeder with the station codes', async () => {
    rig.load(3, 1, 'cover@2');
    open = await openDemoStation();
    const jobId = await start(open, { pixelType: 'bw' });
    const j = await waitJob(open.client, jobId, undefined, 300_000);
    expect(j.fault).toMatchObject({ code: 'SCANNER_COVER_OPEN', seq: 2, continuable: true });
    expect(printed(open, j)).toEqual(['1F']);
    rig.load(0, 4);
    const c = await open.client.call('scan.continue', { jobId });
    expect(c.ok, JSON.stringify(c)).toBe(true);
    const empty = await waitJob(open.client, jobId, undefined, 300_000);
    expect(empty.state).toBe('paused');
    expect(empty.fault).toMatchObject({ code: 'SCANNER_FEEDER_EMPTY', seq: 2, continuable: true });
    expect(seqs(empty)).toEqual([1]);
  });
});
