import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PDFDocument } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeImage } from '../../../electron/core/imaging/decode';
import { assemblePdf, type PageSource } from '../../../electron/core/pdf/assemble';
import { encodePage } from '../../../electron/core/pdf/encode';
import { preflightFiles, type PreflightResult } from '../../../electron/core/pdf/preflight';
import { PROFILE_IDS } from '../../../electron/common/compressionProfiles';
import { PdfAWriter } from '../../../electron/core/pdf/writer';
import { encodeAs, renderPage } from '../../fixtures/analysis/pages';

/**
 * Every kind of file the station writes goes through real PDFBox Preflight (PDF/A-1b), all in ONE JVM start;
 * a plain pdf-lib file and a broken copy of our own output prove the validator rejects what is not PDF/A.
 */
describe('PDF/A-1b output passes PDFBox Preflight', () => {
  const made: { name: string; file: string; expectValid: boolean }[] = [];
  let results: PreflightResult[] = [];
  let dir = '';
  let autoMethods: string[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sohoa-preflight-test-'));
    // Low resolution where the test is about structure (house style); one 200 dpi page for the real path.
    const textSeal = await renderPage({ lines: 20, seal: true, dpi: 100, tiltDeg: 1.1 });
    const fullRes = await renderPage({ lines: 30, seal: true, dpi: 200 });
    const small = await renderPage({ lines: 6, dpi: 100 });
    for (const profile of PROFILE_IDS) {
      const file = join(dir, `profile-${profile}.pdf`);
      const sources: PageSource[] = [textSeal, fullRes].map((img, i) => ({ label: `p${i}`, load: async () => img }));
      await assemblePdf(sources, file, { profile, meta: { title: `Hồ sơ thử — ${profile}`, author: 'Nguyễn Thị Ánh', subject: 'Giấy khai sinh', keywords: 'KS' } });
      made.push({ name: profile, file, expectValid: true });
    }
    // the default adaptive profile on a mixed document: a text page (→ MRC) and a photo-like page (→ JPEG)
    const { width: pw, height: ph } = { width: small.width, height: small.height };
    const photo = Buffer.alloc(pw * ph * 3);
    for (let i = 0, y = 0; y < ph; y++) for (let x = 0; x < pw; x++, i += 3) [photo[i], photo[i + 1], photo[i + 2]] = [40 + (x * 180) / pw, 60 + (y * 150) / ph, 120 + ((x * y) % 97)];
    const photoImg = { ...small, data: photo };
    autoMethods = [(await encodePage(fullRes, 'color-auto')).method, (await encodePage(photoImg, 'color-auto')).method];
    const mixed = join(dir, 'auto-mixed.pdf');
    await assemblePdf([fullRes, photoImg].map((img, i) => ({ label: `m${i}`, load: async () => img })), mixed, { profile: 'color-auto', meta: { title: 'mixed' } });
    made.push({ name: 'auto-mixed', file: mixed, expectValid: true });
    // every input format, incl. a bitonal source (kept as G4) and a 16-bit PNM from SANE
    const formats = ['pnm', 'pnm16', 'pgm', 'pbm', 'png', 'jpeg', 'tiff', 'tiff-g4'] as const;
    const fileAll = join(dir, 'formats.pdf');
    const w = await PdfAWriter.open(fileAll, { title: 'formats' });
    for (const f of formats) await w.addPage(await encodePage(await decodeImage(await encodeAs(small, f), { dpiHint: 100 }), 'color'));
    await w.close();
    made.push({ name: 'formats', file: fileAll, expectValid: true });
    // a landscape page turned by the clerk (rotation) and a page with a known skew
    const turned = join(dir, 'rotated.pdf');
    await assemblePdf([{ label: 'r', rotation: 90, skewDeg: 0.8, load: async () => small }], turned, { profile: 'color', meta: { title: 'r' } });
    made.push({ name: 'rotated', file: turned, expectValid: true });
    // not PDF/A: pdf-lib's plain output, and our file with its XMP removed
    const plain = await PDFDocument.create();
    plain.addPage([595, 842]);
    const plainFile = join(dir, 'plain-pdf-lib.pdf');
    writeFileSync(plainFile, await plain.save({ useObjectStreams: false }));
    made.push({ name: 'plain', file: plainFile, expectValid: false });
    const broken = readFileSync(made[0]!.file).toString('latin1').replace('/Metadata 4 0 R', '/Metadata 0 0 R');
    const brokenFile = join(dir, 'no-xmp.pdf');
    writeFileSync(brokenFile, Buffer.from(broken, 'latin1'));
    made.push({ name: 'no-xmp', file: brokenFile, expectValid: false });
    results = await preflightFiles(made.map((m) => m.file));
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('validates every profile and input format in one Preflight run', () => {
    expect(results).toHaveLength(made.length);
    for (const [i, m] of made.entries()) {
      if (!m.expectValid) continue;
      expect(results[i]!.valid, `${m.name}: ${JSON.stringify(results[i]!.errors)}`).toBe(true);
    }
  });

  it('codes a mixed document with the default adaptive profile page by page (text → MRC, photo → JPEG), still PDF/A-1b', () => {
    expect(autoMethods).toEqual(['mrc', 'jpeg']);
    const i = made.findIndex((m) => m.name === 'auto-mixed');
    expect(results[i]!.valid, JSON.stringify(results[i]!.errors)).toBe(true);
  });

  it('rejects files that are not PDF/A-1b (the validator really validates)', () => {
    for (const [i, m] of made.entries()) {
      if (m.expectValid) continue;
      expect(results[i]!.valid, m.name).toBe(false);
      expect(results[i]!.errors.length + (results[i]!.failure ? 1 : 0), m.name).toBeGreaterThan(0);
    }
    const plain = results[made.findIndex((m) => m.name === 'plain')]!;
    expect(plain.errors.some((e) => e.code.startsWith('7.'))).toBe(true); // metadata: no PDF/A identification
  });

  it('reports a missing file without losing the others', async () => {
    const r = await preflightFiles([join(dir, 'nope.pdf'), made[0]!.file]);
    expect(r[0]).toMatchObject({ valid: false, failure: 'file not found' });
    expect(r[1]!.valid).toBe(true);
  });

  it('writes PDF/A-2b that qpdf finds clean and that identifies itself as part 2', async () => {
    const file = join(dir, 'a2b.pdf');
    await assemblePdf([{ label: 'a', load: async () => renderPage({ lines: 5, dpi: 100, seal: true }) }], file, { profile: 'mrc', level: '2b', meta: { title: 'A-2b' } });
    const q = spawnSync('qpdf', ['--check', file], { encoding: 'utf8' });
    expect(q.status, q.stdout + q.stderr).toBe(0);
    expect(q.stdout).toContain('No syntax or stream encoding errors found');
    const xmp = readFileSync(file).toString('utf8');
    expect(xmp).toContain('<pdfaid:part>2</pdfaid:part>');
    expect(xmp).toContain('<pdfaid:conformance>B</pdfaid:conformance>');
  });
});
