import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PDFDocument } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StationClient, StationEvent } from '../../../electron/common/api';
import type { Dossier } from '../../../electron/common/schemas';
import { preflightFiles } from '../../../electron/core/pdf/preflight';
import { createStationServices } from '../../../electron/core/service/stationServices';
import { Station } from '../../../electron/core/station/station';
import { setPageBlankFlag } from '../../../electron/core/store/reviewPages';
import { sql } from '../../../electron/core/store/sql';
import { encodeAs, renderPage, type PageSpec } from '../../fixtures/analysis/pages';
import { signedInClient } from '../../helpers/session';
import { runCli } from '../../helpers/cli';
import { storeCapturedPages } from '../../helpers/capturedPages';

let root: string;
let station: Station;
let client: StationClient;
let dossier: Dossier;
const events: StationEvent[] = [];

/** Renders pages and stores them as the capture engine would (SANE gives no dpi in the file). */
async function capture(componentId: string, specs: (PageSpec & { format?: 'pnm' | 'pgm' })[]): Promise<string[]> {
  const pages = [];
  for (const spec of specs) {
    const img = await renderPage(spec);
    pages.push({ bytes: await encodeAs(img, spec.format ?? 'pnm'), width: img.width, height: img.height, dpi: spec.dpi ?? 200, pixelType: spec.format === 'pgm' ? ('gray' as const) : ('color' as const) });
  }
  return storeCapturedPages(station, componentId, pages);
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'sohoa-assemble-'));
  station = Station.open({ dataDir: join(root, 'data'), holder: 'test' });
  station.events.on('event', (e: StationEvent) => events.push(e));
  client = await signedInClient(station, createStationServices(station).dispatcher, 'clerk');
  const r = await client.call('dossiers.create', { procedureCode: '1.001193', ownerId: '001086012345', ownerName: 'Lê Văn Hùng' });
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  dossier = r.value;
});

afterAll(async () => {
  await station?.close();
  rmSync(root, { recursive: true, force: true });
});

describe('documents.assemble', () => {
  it('assembles captured pages into a PDF/A-1b document: analysed, upright, deskewed, confirmed blanks left out, flagged blanks kept', async () => {
    const componentId = dossier.components[0]!.id;
    const ids = await capture(componentId, [
      { lines: 24, seal: true, tiltDeg: 1.2 },
      { noise: { sigma: 4, specks: 200, seed: 7 } }, // blank back side: flagged, kept
      { paper: '#ffffff' }, // the clerk confirms this one blank
      { lines: 24, turn: 180 }, // fed upside down
      { lines: 10, format: 'pgm', dpi: 150 }, // gray and 150 dpi: non-compliant
    ]);
    setPageBlankFlag(station.store, ids[2]!, 'confirmed_blank');
    const r = await client.call('documents.assemble', { componentId, profile: 'color' });
    expect(r.ok, JSON.stringify(r.ok ? '' : r.error)).toBe(true);
    if (!r.ok) return;
    expect(r.value).toMatchObject({ componentId, dossierId: dossier.id, pageCount: 4, pdfaLevel: '1b', profile: 'color', skippedBlank: 1, flaggedBlank: 1, nonCompliantPages: 1 });

    const doc = station.store.get<{ source: string; pdfa_level: string; page_count: number; sha256: string; state: string }>(
      sql`SELECT source, pdfa_level, page_count, sha256, state FROM document WHERE id = ${r.value.documentId}`,
    )!;
    expect(doc).toMatchObject({ source: 'scan', pdfa_level: '1b', page_count: 4, sha256: r.value.sha256, state: 'assembled' });
    const bytes = station.blobs.get(r.value.sha256, { verify: true });
    const pdf = await PDFDocument.load(bytes);
    expect(pdf.getPageCount()).toBe(4);
    for (const p of pdf.getPages().slice(0, 2)) {
      // A4 at 100 % scale: 210 × 297 mm
      expect(Math.abs((p.getWidth() / 72) * 25.4 - 210)).toBeLessThan(0.5);
      expect(Math.abs((p.getHeight() / 72) * 25.4 - 297)).toBeLessThan(0.5);
    }

    const rows = station.store.all<{ id: string; blank_flag: string; blank_score: number | null; skew_deg: number | null; rotation: number; compliant: number; state: string }>(
      sql`SELECT id, blank_flag, blank_score, skew_deg, rotation, compliant, state FROM page WHERE component_id = ${componentId} ORDER BY position`,
    );
    expect(rows.map((x) => x.blank_flag)).toEqual(['none', 'flagged', 'confirmed_blank', 'none', 'none']);
    expect(Math.abs(rows[0]!.skew_deg! - 1.2)).toBeLessThanOrEqual(0.1);
    expect(rows[3]!.rotation).toBe(180);
    expect(rows[4]!.compliant).toBe(0);
    expect(rows.filter((x) => x.blank_flag !== 'confirmed_blank').every((x) => x.state === 'analysed' && x.blank_score !== null)).toBe(true);

    expect(events.find((e) => e.type === 'document.assembled' && e.data.documentId === r.value.documentId)).toBeDefined();
    expect(readdirSync(station.layout.tmp).filter((f) => f.startsWith('assemble-'))).toEqual([]);

    const out = join(root, 'doc.pdf');
    writeFileSync(out, bytes);
    const [v] = await preflightFiles([out]);
    expect(v!.valid, JSON.stringify(v!.errors)).toBe(true);
  });

  it('keeps the clerk rotation on re-assembly and honours the MRC profile', async () => {
    const componentId = dossier.components[1]!.id;
    const ids = await capture(componentId, [{ lines: 12, dpi: 150, seal: true }]);
    station.store.run(sql`UPDATE page SET rotation = 90 WHERE id = ${ids[0]!}`);
    const r = await client.call('documents.assemble', { componentId, profile: 'mrc' });
    expect(r.ok, JSON.stringify(r.ok ? '' : r.error)).toBe(true);
    if (!r.ok) return;
    const pdf = await PDFDocument.load(station.blobs.get(r.value.sha256));
    const page = pdf.getPage(0);
    expect(page.getWidth()).toBeGreaterThan(page.getHeight()); // turned to landscape as the clerk asked
    expect(station.store.get<{ rotation: number }>(sql`SELECT rotation FROM page WHERE id = ${ids[0]!}`)!.rotation).toBe(90);
  });

  it('tells the clerk why a page was turned and that a dark page is too dark (not blank), in the page record', async () => {
    const d = await client.call('dossiers.create', { procedureCode: '1.001193', ownerId: '001086012346', ownerName: 'Phạm Thị Lan' });
    if (!d.ok) throw new Error(JSON.stringify(d.error));
    const componentId = d.value.components[0]!.id;
    const ids = await capture(componentId, [
      { lines: 24, turn: 180 }, // fed upside down
      { lines: 20, paper: '#6e6a60' }, // scanned far too dark
      { lines: 24 }, // upright
    ]);
    const r = await client.call('documents.assemble', { componentId, profile: 'color' });
    expect(r.ok, JSON.stringify(r.ok ? '' : r.error)).toBe(true);
    const list = await client.call('pages.list', { componentId });
    if (!list.ok) throw new Error(JSON.stringify(list.error));
    expect(list.value.map((p) => [p.rotation, p.rotationReason, p.blankFlag, p.quality])).toEqual([
      [180, 'text_upside_down', 'none', []],
      [0, null, 'none', ['PAGE_TOO_DARK']],
      [0, null, 'none', []],
    ]);
    // Once the clerk turns the page, the rotation is hers: the analysis' reason goes.
    const turned = await client.call('pages.rotate', { pageId: ids[0]!, rotation: 0, idempotencyKey: 'rotate-back-0001' });
    if (!turned.ok) throw new Error(JSON.stringify(turned.error));
    expect([turned.value.rotation, turned.value.rotationReason]).toEqual([0, null]);
  });

  it('answers coded errors and writes nothing for a missing component, no pages, or a corrupt raw page', async () => {
    const before = station.store.get<{ n: number }>(sql`SELECT count(*) AS n FROM document`)!.n;
    const missing = await client.call('documents.assemble', { componentId: '01JAAAAAAAAAAAAAAAAAAAAAAA' });
    expect(missing.ok ? 'ok' : missing.error.code).toBe('NOT_FOUND');
    const empty = dossier.components[2]!.id;
    const none = await client.call('documents.assemble', { componentId: empty });
    expect(none.ok ? 'ok' : none.error.code).toBe('INVALID_REQUEST');
    // a truncated raw page (e.g. the scanner died mid-transfer and the blob was stored as it was)
    const whole = await encodeAs(await renderPage({ lines: 3, dpi: 100 }), 'pnm');
    storeCapturedPages(station, empty, [{ bytes: whole.subarray(0, whole.length >> 1), width: 827, height: 1169, dpi: 100, pixelType: 'color' }]);
    const bad = await client.call('documents.assemble', { componentId: empty });
    expect(bad.ok ? 'ok' : bad.error.code).toBe('IMAGE_CORRUPT');
    expect(station.store.get<{ n: number }>(sql`SELECT count(*) AS n FROM document`)!.n).toBe(before);
    expect(readdirSync(station.layout.tmp).filter((f) => f.startsWith('assemble-'))).toEqual([]);
  });
});

describe('sohoa pdf / sohoa validate', () => {
  it('makes a valid PDF/A from PNM, PNG and a multi-page TIFF, and validate reports it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sohoa-pdfcli-'));
    try {
      const img = await renderPage({ lines: 8, dpi: 100 });
      writeFileSync(join(dir, 'a.pnm'), await encodeAs(img, 'pnm'));
      writeFileSync(join(dir, 'b.png'), await encodeAs(img, 'png'));
      const sharp = (await import('sharp')).default;
      const png = await encodeAs(img, 'png');
      writeFileSync(join(dir, 'c.tif'), await sharp([png, png], { join: { animated: true } }).tiff({ compression: 'lzw' }).toBuffer());
      const out = join(dir, 'out.pdf');
      const r = runCli(['pdf', join(dir, 'a.pnm'), join(dir, 'b.png'), join(dir, 'c.tif'), '--dpi', '100', '--profile', 'mrc', '--out', out, '--json']);
      expect(r.code, r.stderr).toBe(0);
      const j = JSON.parse(r.stdout) as { pages: number; pageDetails: { compliant: boolean; issues: string[] }[] };
      expect(j.pages).toBe(4);
      expect(j.pageDetails[0]!.issues).toContain('dpi_below_200');
      const v = runCli(['validate', out, '--json']);
      expect(v.code, v.stdout + v.stderr).toBe(0);
      expect(JSON.parse(v.stdout)).toMatchObject({ ok: true, results: [{ valid: true }] });
      // a plain PDF is reported invalid with exit 3 (a check failed)
      const plain = await PDFDocument.create();
      plain.addPage();
      writeFileSync(join(dir, 'plain.pdf'), await plain.save());
      const bad = runCli(['validate', join(dir, 'plain.pdf'), out]);
      expect(bad.code).toBe(3);
      expect(bad.stdout).toContain('KHÔNG HỢP LỆ / NOT VALID PDF/A-1b');
      expect(bad.stdout).toContain('HỢP LỆ / VALID PDF/A-1b');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('gives clear codes for an empty or truncated page and leaves no output file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sohoa-pdfcli-'));
    try {
      writeFileSync(join(dir, 'empty.png'), Buffer.alloc(0));
      const png = await encodeAs(await renderPage({ lines: 2, dpi: 60 }), 'png');
      writeFileSync(join(dir, 'cut.png'), png.subarray(0, png.length >> 1));
      const e = runCli(['pdf', join(dir, 'empty.png'), '--out', join(dir, 'x.pdf'), '--json']);
      expect(e.code).toBe(1);
      expect(JSON.parse(e.stdout).error.code).toBe('FILE_EMPTY');
      const c = runCli(['pdf', join(dir, 'cut.png'), '--out', join(dir, 'y.pdf'), '--json']);
      expect(c.code).toBe(1);
      expect(JSON.parse(c.stdout).error.code).toBe('IMAGE_CORRUPT');
      expect(readdirSync(dir).sort()).toEqual(['cut.png', 'empty.png']);
      const u = runCli(['pdf', join(dir, 'cut.png'), '--out', join(dir, 'z.pdf'), '--profile', 'jbig2']);
      expect(u.code).toBe(2);
      expect(readFileSync(join(dir, 'cut.png')).length).toBe(png.length >> 1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
