import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import { startEsclScanner, type EsclFault, type EsclScanner } from '../../escl-scanner/server';
import { runCliAsync } from '../../helpers/cli';
import { cliSignIn } from '../../helpers/session';
import { tempDir } from '../../helpers/tmp';
import { selfSignedCert } from '../../onestop-server/tls';
import { cornerColour, identifyColour } from '../../escl-scanner/pages';
import { Station } from '../../../electron/core/station/station';
import { sql } from '../../../electron/core/store/sql';
import { decodeImage } from '../../../electron/core/imaging/decode';

/**
 * `npx sohoa scan --device escl:… --profile colour-200-feeder` against the virtual eSCL scanner, as IT staff
 * and clerks run it: all N sheets captured; a jam at sheet k keeps k−1 pages and `--continue JOB` finishes
 * the load in order.
 */
let scanner: EsclScanner | undefined;
afterEach(async () => {
  await scanner?.close();
  scanner = undefined;
});

interface Setup {
  env: NodeJS.ProcessEnv;
  deviceId: string;
  dossierId: string;
  componentId: string;
  dataDir: string;
}

async function setup(sheets: number, faults: EsclFault[] = [], duplex = false): Promise<Setup> {
  scanner = await startEsclScanner({ sheets, faults, duplex });
  const dataDir = tempDir('sohoa-escl-scan-');
  const env = { SOHOA_DATA_DIR: dataDir, SOHOA_ESCL_DISCOVERY: '0', SOHOA_SANE_BACKENDS: '' };
  cliSignIn(dataDir, env); // sohoa login (an admin: adding a scanner is an admin setting)
  const added = await runCliAsync(['devices', 'add-escl', scanner.url.replace(/\/$/, ''), '--json'], env);
  expect(added.code, added.stderr).toBe(0);
  const device = JSON.parse(added.stdout) as { id: string; driver: string; name: string };
  expect(device).toMatchObject({ id: `escl:${scanner.uuid}`, driver: 'escl' });
  const created = await runCliAsync(['dossier', 'create', '--procedure', '1.001193', '--owner', '001099012345', '--owner-name', 'Lê Thị Hoa', '--json'], env);
  expect(created.code, created.stderr).toBe(0);
  const d = JSON.parse(created.stdout) as { id: string; components: { id: string }[] };
  return { env, deviceId: device.id, dossierId: d.id, componentId: d.components[0]!.id, dataDir };
}

interface ScanEvent {
  type: string;
  data: { seq?: number; jobId?: string; code?: string; state?: string; pagesDone?: number; continuable?: boolean };
}

const events = (stdout: string): ScanEvent[] =>
  stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as ScanEvent);

/** Which served sheet/side each stored page is, in page order (the raw blobs, decoded as the PDF step does). */
async function storedPages(s: Setup): Promise<string[]> {
  const station = Station.open({ dataDir: s.dataDir, holder: 'test' });
  try {
    const rows = station.store.all<{ sha256: string; mediaType: string }>(
      sql`SELECT p.raw_sha256 AS sha256, b.media_type AS mediaType FROM page p JOIN blob b ON b.sha256 = p.raw_sha256 WHERE p.component_id = ${s.componentId} ORDER BY p.position`,
    );
    const out: string[] = [];
    for (const r of rows) {
      const img = await decodeImage(station.blobs.get(r.sha256, { verify: true }), { mediaType: r.mediaType });
      expect([img.width, img.height]).toEqual([1653, 2339]); // A4 at 200 dpi (2480 × 3508 / 300 in)
      const png = await sharp(img.data, { raw: { width: img.width, height: img.height, channels: img.channels } }).png().toBuffer();
      const id = identifyColour(await cornerColour(png), 20);
      expect(id.distance).toBeLessThan(20);
      out.push(`${id.sheet}${id.side === 'front' ? 'F' : 'B'}`);
    }
    return out;
  } finally {
    await station.close();
  }
}

describe('sohoa devices with a network scanner', () => {
  it('adds an HTTPS scanner only with the fingerprint an admin confirmed, then lists it beside the SANE test scanner', async () => {
    const dir = tempDir('sohoa-escl-tls-');
    const cert = selfSignedCert(dir);
    scanner = await startEsclScanner({ tls: { cert: readFileSync(cert.certFile, 'utf8'), key: readFileSync(cert.keyFile, 'utf8') } });
    const env = { SOHOA_DATA_DIR: tempDir('sohoa-escl-devices-'), SOHOA_ESCL_DISCOVERY: '0', SOHOA_SANE_BACKENDS: '' };
    cliSignIn(env.SOHOA_DATA_DIR, env);
    const first = await runCliAsync(['devices', 'add-escl', scanner.url], env);
    expect(first.code).toBe(1);
    expect(first.stderr).toContain('SCANNER_CERT_NOT_TRUSTED');
    expect(first.stderr).toContain(cert.fingerprint256);
    const ok = await runCliAsync(['devices', 'add-escl', scanner.url, '--trust', cert.fingerprint256, '--json'], env);
    expect(ok.code, ok.stderr).toBe(0);
    const list = await runCliAsync(['devices', '--demo', '--json'], env);
    expect(list.code, list.stderr).toBe(0);
    const devices = JSON.parse(list.stdout) as { id: string; driver: string; name: string; capabilities: { duplex: boolean } | null }[];
    expect(devices.map((d) => [d.driver, d.id])).toEqual(
      expect.arrayContaining([
        ['sane', 'sane:test:0'],
        ['escl', `escl:${scanner.uuid}`],
      ]),
    );
    const escl = devices.find((d) => d.driver === 'escl')!;
    expect(escl.capabilities?.duplex).toBe(true);
    expect(new Set(devices.map((d) => d.name)).size).toBe(devices.length);
  });
});

describe('sohoa scan through the eSCL driver (virtual eSCL scanner)', () => {
  it('captures all N sheets of a feeder load with colour-200-feeder, in order', async () => {
    const s = await setup(4);
    const r = await runCliAsync(['scan', '--device', s.deviceId, '--profile', 'colour-200-feeder', '--dossier', s.dossierId, '--component', s.componentId, '--json'], s.env);
    expect(r.code, r.stderr).toBe(0);
    const ev = events(r.stdout);
    expect(ev.filter((e) => e.type === 'scan.page').map((e) => e.data.seq)).toEqual([1, 2, 3, 4]);
    expect(ev.at(-1)).toMatchObject({ type: 'scan.end', data: { state: 'completed', pagesDone: 4 } });
    expect(await storedPages(s)).toEqual(['1F', '2F', '3F', '4F']);
    expect(scanner!.served.map((p) => `${p.sheet}${p.side}`)).toEqual(['1front', '2front', '3front', '4front']);
  });

  it('keeps k−1 pages when the feeder jams at sheet k, and --continue finishes the load in order', async () => {
    const s = await setup(6, [{ kind: 'jam', sheet: 4 }]);
    const r = await runCliAsync(['scan', '--device', s.deviceId, '--profile', 'colour-200-feeder', '--dossier', s.dossierId, '--component', s.componentId, '--json'], s.env);
    expect(r.code, r.stderr).toBe(1);
    const ev = events(r.stdout);
    expect(ev.filter((e) => e.type === 'scan.page').map((e) => e.data.seq)).toEqual([1, 2, 3]);
    const fault = ev.find((e) => e.type === 'scan.fault')!;
    expect(fault.data).toMatchObject({ code: 'SCANNER_JAMMED', seq: 4, continuable: true, pagesDone: 3 });
    const jobId = fault.data.jobId!;
    const c = await runCliAsync(['scan', '--continue', jobId, '--json'], s.env);
    expect(c.code, c.stderr).toBe(0);
    const cev = events(c.stdout);
    expect(cev.filter((e) => e.type === 'scan.page').map((e) => e.data.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(cev.at(-1)).toMatchObject({ type: 'scan.end', data: { state: 'completed', pagesDone: 6 } });
    expect(await storedPages(s)).toEqual(['1F', '2F', '3F', '4F', '5F', '6F']);
  });
});
