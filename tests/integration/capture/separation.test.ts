import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import QRCode from 'qrcode';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type { StationEvent } from '../../../electron/common/api';
import { encodeSheetCode } from '../../../electron/common/sheetCodes';
import { ulid } from '../../../electron/common/ids';
import { sql } from '../../../electron/core/store/sql';
import { generatedPage } from '../../escl-scanner/pages';
import { PATCH_ZONES, patchSheetSvg } from '../../fixtures/pages/patchSheet';
import { tempDir } from '../../helpers/tmp';
import { esclStations } from './esclStation';
import { createDossier, lowRes, openDemoStation, waitJob, type DemoStation } from './harness';

/**
 * Stack separation with patch sheets and with codes the station must not use: patch T and II route to the next
 * component, a damaged, partial, foreign or other station's code leaves the page where the stack put it with a
 * flag for the clerk, and a separator fed face down (code on the back of a duplex sheet) takes its blank front
 * with it. Real station in this process, the virtual eSCL scanner serving the page images.
 */
const escl = esclStations();

const PAGE = { width: 1653, height: 2339, dpi: 200, gray: false, format: 'image/png' as const };

/** A white A4 page at 200 dpi with a QR of `text` where the station prints its own (top right). */
async function qrPage(text: string, smudge = false): Promise<Buffer> {
  const qr = await QRCode.toBuffer(text, { errorCorrectionLevel: 'M', width: 520, margin: 4 });
  const layers = [{ input: qr, left: 1000, top: 130 }];
  if (smudge) layers.push({ input: await sharp({ create: { width: 156, height: 156, channels: 3, background: '#000' } }).png().toBuffer(), left: 1182, top: 312 });
  return sharp({ create: { width: PAGE.width, height: PAGE.height, channels: 3, background: '#fff' } }).composite(layers).png().toBuffer();
}

const patchPage = (zones: readonly number[]): Promise<Buffer> => sharp(Buffer.from(patchSheetSvg(zones))).png().toBuffer();
const blankPage = (): Promise<Buffer> => sharp({ create: { width: PAGE.width, height: PAGE.height, channels: 3, background: '#f8f8f8' } }).png().toBuffer();

async function stationWith(pages: Buffer[]): Promise<{ s: DemoStation; deviceId: string; components: string[] }> {
  const dir = tempDir('sohoa-separation-pages-');
  pages.forEach((p, i) => writeFileSync(join(dir, `${String(i + 1).padStart(2, '0')}.png`), p));
  const { s, deviceId } = await escl.open({ pagesDir: dir, duplex: true });
  const { dossierId } = await createDossier(s.client, '1.001193');
  const d = await s.client.call('dossiers.get', { id: dossierId });
  if (!d.ok) throw new Error(JSON.stringify(d.error));
  return { s, deviceId, components: d.value.components.filter((c) => c.kind === 'intake').map((c) => c.id) };
}

async function scan(s: DemoStation, deviceId: string, componentId: string, duplex: boolean): Promise<StationEvent[]> {
  const events: StationEvent[] = [];
  s.station.events.on('event', (e: StationEvent) => events.push(e));
  // 100 dpi: the marks are read on a 100 dpi copy anyway; the test is about routing, not pixels.
  const profile = lowRes({}, { resolution: 100, duplex });
  const r = await s.client.call('scan.start', { deviceId, profile, componentId });
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  await waitJob(s.client, r.value.id, (j) => j.state !== 'running', 300_000);
  // Scanning ends before the analysis of its last pages: the routing is done once the analyse step is idle.
  await s.capture.analyse.idle();
  return events;
}

interface Row {
  seq: number;
  componentId: string;
  sheet: string | null;
  code: string | null;
  problem: string | null;
}

const rows = (s: DemoStation): Row[] =>
  s.station.store.all<Row>(sql`SELECT seq, component_id AS componentId, sheet, sheet_code AS code, sheet_problem AS problem FROM page ORDER BY seq`);

describe('stack separation: patch sheets and codes the station does not use', () => {
  it('routes on Patch T and II, and flags damaged, partial, foreign and other-station codes without rerouting', async () => {
    const other = encodeSheetCode({ kind: 'dossier', dossierId: `KHACTRAM-${ulid()}` });
    const pages = [
      await generatedPage(1, 'front', PAGE), // 1 → C1 (where the scan started)
      await patchPage(PATCH_ZONES['Patch T']), // 2 → next component: C2
      await generatedPage(3, 'front', PAGE), // 3 → C2
      await qrPage('SOHOA1:D:ST01ABCD-01HZX5Y7Q3K8M2N4P6R8T0V2W4', true), // 4 smudged: unreadable, content in C2
      await qrPage('SOHOA1:D:ST01'), // 5 partial: our prefix, no draft id → unreadable, content in C2
      await qrPage(other), // 6 another station's cover → flagged, content in C2
      await qrPage('https://dichvucong.gov.vn/p/home/dvc-tra-cuu-ho-so.html'), // 7 foreign → flagged, content in C2
      await patchPage(PATCH_ZONES['Patch 2']), // 8 Patch II → next component with no pages: C3
      await generatedPage(9, 'front', PAGE), // 9 → C3
      await patchPage(PATCH_ZONES['Patch T']), // 10 Patch T after the last component: separator, flagged, route stays
      await generatedPage(11, 'front', PAGE), // 11 → C3
    ];
    const { s, deviceId, components } = await stationWith(pages);
    const [c1, c2, c3] = components as [string, string, string];
    const events = await scan(s, deviceId, c1, false);
    const got = rows(s);
    expect(got.map((r) => [r.seq, components.indexOf(r.componentId) + 1, r.sheet, r.problem])).toEqual([
      [1, 1, null, null],
      [2, 2, 'patch_t', null],
      [3, 2, null, null],
      [4, 2, null, 'SHEET_CODE_UNREADABLE'],
      [5, 2, null, 'SHEET_CODE_UNREADABLE'],
      [6, 2, null, 'SHEET_CODE_OTHER_STATION'],
      [7, 2, null, 'SHEET_CODE_FOREIGN'],
      [8, 3, 'patch_ii', null],
      [9, 3, null, null],
      [10, 3, 'patch_t', 'SHEET_CODE_UNKNOWN'],
      [11, 3, null, null],
    ]);
    // The codes are kept as read (a foreign QR's text is not: it may carry a citizen's data).
    expect(got.find((r) => r.seq === 6)!.code).toBe(other);
    expect(got.find((r) => r.seq === 7)!.code).toBeNull();
    expect(got.find((r) => r.seq === 2)!.code).toBe('PATCH T');
    // The clerk sees it: page.analysed carries the sheet and the problem, with the page's final component.
    const analysed = events.filter((e) => e.type === 'page.analysed').map((e) => e.data as { seq: number; componentId: string; sheet: string | null; sheetProblem: string | null });
    expect(analysed.find((a) => a.seq === 8)).toMatchObject({ componentId: c3, sheet: 'patch_ii', sheetProblem: null });
    expect(analysed.find((a) => a.seq === 4)).toMatchObject({ componentId: c2, sheet: null, sheetProblem: 'SHEET_CODE_UNREADABLE' });
    // Review lists show the sheets (as records) and count only content pages for the dossier.
    const list = await s.client.call('pages.list', { componentId: c2 });
    expect(list.ok && list.value.map((p) => p.sheet)).toEqual(['patch_t', null, null, null, null, null]);
    const dossierId = s.station.store.get<{ id: string }>(sql`SELECT dossier_id AS id FROM component WHERE id = ${c1}`)!.id;
    const d = await s.client.call('dossiers.get', { id: dossierId });
    expect(d.ok && d.value.components.filter((c) => c.kind === 'intake').map((c) => c.pageCount)).toEqual([1, 5, 2]);
  });

  it('keeps routing after a jam: Continue sends the rest of the stack where the last separator said', async () => {
    const pages = [await generatedPage(1, 'front', PAGE), await patchPage(PATCH_ZONES['Patch T']), await generatedPage(3, 'front', PAGE), await generatedPage(4, 'front', PAGE)];
    const dir = tempDir('sohoa-separation-pages-');
    pages.forEach((p, i) => writeFileSync(join(dir, `${String(i + 1).padStart(2, '0')}.png`), p));
    const { s, deviceId } = await escl.open({ pagesDir: dir, duplex: true, faults: [{ kind: 'jam', sheet: 3 }] });
    const { dossierId } = await createDossier(s.client, '1.001193');
    const d = await s.client.call('dossiers.get', { id: dossierId });
    if (!d.ok) throw new Error(JSON.stringify(d.error));
    const [c1, c2] = d.value.components.filter((c) => c.kind === 'intake').map((c) => c.id) as [string, string];
    const r = await s.client.call('scan.start', { deviceId, profile: lowRes({}, { resolution: 100 }), componentId: c1 });
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    const paused = await waitJob(s.client, r.value.id, (j) => j.state !== 'running', 300_000);
    expect(paused.fault).toMatchObject({ code: 'SCANNER_JAMMED', seq: 3 });
    await s.capture.analyse.idle();
    const c = await s.client.call('scan.continue', { jobId: r.value.id });
    expect(c.ok, JSON.stringify(c)).toBe(true);
    await waitJob(s.client, r.value.id, (j) => j.state !== 'running', 300_000);
    await s.capture.analyse.idle();
    expect(rows(s).map((x) => [x.seq, x.componentId === c1 ? 'C1' : x.componentId === c2 ? 'C2' : '?', x.sheet])).toEqual([
      [1, 'C1', null],
      [2, 'C2', 'patch_t'],
      [3, 'C2', null],
      [4, 'C2', null],
    ]);
  });

  it('takes the blank front of a duplex sheet with it when the separator was fed face down', async () => {
    const pages = [
      await generatedPage(1, 'front', PAGE),
      await generatedPage(1, 'back', PAGE),
      await blankPage(), // sheet 2 front: the blank back of the separator, face down
      Buffer.alloc(0), // placeholder for the separator (needs the component id)
      await generatedPage(3, 'front', PAGE),
      await generatedPage(3, 'back', PAGE),
    ];
    // The separator names the dossier's third component; it is made once the dossier exists.
    const dir = tempDir('sohoa-separation-pages-');
    const station = await openDemoStation();
    const { dossierId } = await createDossier(station.client, '1.001193');
    const d = await station.client.call('dossiers.get', { id: dossierId });
    if (!d.ok) throw new Error(JSON.stringify(d.error));
    const [c1, , c3] = d.value.components.filter((c) => c.kind === 'intake').map((c) => c.id) as [string, string, string];
    pages[3] = await qrPage(encodeSheetCode({ kind: 'component', dossierId, componentId: c3 }));
    pages.forEach((p, i) => writeFileSync(join(dir, `${String(i + 1).padStart(2, '0')}.png`), p));
    const { s, deviceId } = await escl.open({ pagesDir: dir, duplex: true }, station);
    await scan(s, deviceId, c1, true);
    expect(rows(s).map((r) => [r.seq, r.componentId === c1 ? 'C1' : r.componentId === c3 ? 'C3' : '?', r.sheet])).toEqual([
      [1, 'C1', null],
      [2, 'C1', null],
      [3, 'C3', 'separator_other_side'],
      [4, 'C3', 'component_separator'],
      [5, 'C3', null],
      [6, 'C3', null],
    ]);
    // Assembly takes the content pages only.
    const a = await s.client.call('documents.assemble', { componentId: c3, profile: 'color', level: '1b' });
    expect(a.ok && a.value.pageCount, JSON.stringify(a)).toBe(2);
  });
});
