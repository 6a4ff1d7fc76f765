import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeIsolatedSpecks } from '../../../electron/core/imaging/despeckle';
import { encodePage, thresholdToPaper } from '../../../electron/core/pdf/encode';
import { jbig2GenericStream } from '../../../electron/core/pdf/jbig2/genericRegion';
import { preflightFiles } from '../../../electron/core/pdf/preflight';
import { PdfAWriter } from '../../../electron/core/pdf/writer';
import { prng, renderPage } from '../../fixtures/pages/generate';
import { checkImageXObjects } from '../../helpers/pdfImages';

const exec = promisify(execFile);
let work: string;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'sohoa-jbig2-'));
});
afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

/** Decodes an embedded JBIG2 stream with jbig2dec (the reference decoder): one byte per pixel, 1 = black. */
async function jbig2dec(stream: Buffer, width: number, height: number): Promise<Uint8Array> {
  const src = join(work, `s-${Date.now()}-${Math.random()}.jb2`);
  const out = `${src}.pbm`;
  writeFileSync(src, stream);
  await exec('jbig2dec', ['--embedded', '-q', '-t', 'pbm', '-o', out, src]);
  const pbm = readFileSync(out);
  const m = /^P4\s+(\d+)\s+(\d+)\s/.exec(pbm.toString('latin1', 0, 40))!;
  expect([Number(m[1]), Number(m[2])]).toEqual([width, height]);
  const data = pbm.subarray(m[0].length);
  const rowBytes = Math.ceil(width / 8);
  const px = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) px[y * width + x] = (data[y * rowBytes + (x >> 3)]! >> (7 - (x & 7))) & 1;
  return px;
}

function differing(a: Uint8Array, b: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) n++;
  return n;
}

/** One encoded page written as PDF/A-1b; PDFBox Preflight must find it valid. */
async function writeValidPdf(enc: Awaited<ReturnType<typeof encodePage>>, name: string): Promise<string> {
  const pdf = join(work, `${name}.pdf`);
  const w = await PdfAWriter.open(pdf, { title: name });
  await w.addPage(enc);
  await w.close();
  const [pf] = await preflightFiles([pdf]);
  expect(pf!.errors).toEqual([]);
  expect(pf!.valid).toBe(true);
  return pdf;
}

/** Image `index` of `pdf` as poppler decodes it (pdfimages, no rendering): gray samples and size. */
async function popplerImage(pdf: string, index: number): Promise<{ data: Buffer; width: number; height: number }> {
  const prefix = join(work, `${Date.now()}-${Math.random()}-img`);
  await exec('pdfimages', ['-png', '-f', '1', '-l', '1', pdf, prefix]);
  const { data, info } = await sharp(`${prefix}-${String(index).padStart(3, '0')}.png`).greyscale().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

describe('JBIG2 generic-region coding', () => {
  it('decodes bit for bit in jbig2dec: random, striped, repeated-row, white and black bitmaps of odd sizes', async () => {
    const seed = Number(process.env.SOHOA_SEED ?? Date.now() % 100_000);
    console.log(`jbig2 bitmaps seed ${seed} (rerun with SOHOA_SEED=${seed})`);
    const rnd = prng(seed);
    const cases: [number, number, (x: number, y: number) => number][] = [
      [1, 1, () => 1],
      [7, 3, () => (rnd() < 0.5 ? 1 : 0)],
      [333, 221, () => (rnd() < 0.5 ? 1 : 0)],
      [517, 400, () => (rnd() < 0.04 ? 1 : 0)],
      [300, 300, (x, y) => (Math.floor(y / 9) % 3 === 0 && (x + 3 * y) % 11 < 6 ? 1 : 0)], // runs of equal rows (TPGDON)
      [129, 65, () => 0],
      [129, 65, () => 1],
    ];
    for (const [w, h, f] of cases) {
      const px = new Uint8Array(w * h);
      for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) px[y * w + x] = f(x, y);
      const decoded = await jbig2dec(jbig2GenericStream(px, w, h, 200), w, h);
      expect(differing(decoded, px), `${w}×${h}`).toBe(0);
    }
  }, 60_000);

  it('codes a Vietnamese text page under the bitonal profile: jbig2dec and poppler decode the despeckled bitmap exactly, poppler and Ghostscript render it, Preflight passes', async () => {
    const page = await renderPage({ seed: 31, dpi: 200, seal: false, skewDeg: 0 });
    const gray = await sharp(page.pixels, { raw: { width: page.width, height: page.height, channels: page.channels } }).toColourspace('b-w').raw().toBuffer();
    const enc = await encodePage({ width: page.width, height: page.height, channels: 1, data: gray, dpi: 200, bitonal: false }, 'bitonal');
    expect(enc.background.filter).toBe('JBIG2Decode');
    const bw = thresholdToPaper(gray);
    const expected = new Uint8Array(bw.length);
    for (let i = 0; i < bw.length; i++) expected[i] = bw[i]! < 128 ? 1 : 0;
    removeIsolatedSpecks(expected, page.width, page.height);
    expect(differing(await jbig2dec(enc.background.data, page.width, page.height), expected)).toBe(0);

    const pdf = await writeValidPdf(enc, 'bitonal');
    // poppler's own JBIG2 decoder (pdfimages decodes the stream without rendering): the same pixels.
    const ex = await popplerImage(pdf, 0);
    expect([ex.width, ex.height]).toEqual([page.width, page.height]);
    expect(differing(Uint8Array.from(ex.data, (v) => (v < 128 ? 1 : 0)), expected)).toBe(0);
    // Readers: rendered at the scan's own resolution, black where the bitmap is black (a polarity or row-order
    // mistake would flip or shift most ink pixels).
    await exec('pdftoppm', ['-r', '200', '-gray', '-png', '-singlefile', pdf, join(work, 'poppler')]);
    await exec('gs', ['-dSAFER', '-dBATCH', '-dNOPAUSE', '-sDEVICE=pnggray', '-r200', `-sOutputFile=${join(work, 'gs.png')}`, pdf], { env: { ...process.env, TZ: 'Asia/Ho_Chi_Minh' } });
    for (const file of [join(work, 'poppler.png'), join(work, 'gs.png')]) {
      const { data, info } = await sharp(file).greyscale().raw().toBuffer({ resolveWithObject: true });
      expect([info.width, info.height]).toEqual([page.width, page.height]);
      // Within one pixel (renderers may place the image half a pixel off and smooth its edges).
      const W = page.width;
      const near = (img: (i: number) => boolean, x: number, y: number): boolean => {
        for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) if (x + dx >= 0 && x + dx < W && y + dy >= 0 && y + dy < page.height && img((y + dy) * W + x + dx)) return true;
        return false;
      };
      let ink = 0;
      let wrong = 0;
      for (let i = 0; i < expected.length; i++) {
        const black = data[i]! < 128;
        ink += expected[i]!;
        const x = i % W;
        const y = (i - x) / W;
        if (black && !expected[i] && !near((j) => expected[j] === 1, x, y)) wrong++;
        if (!black && expected[i] && !near((j) => data[j]! < 128, x, y)) wrong++;
      }
      expect(ink).toBeGreaterThan(10_000);
      expect(wrong / ink).toBeLessThan(0.01);
    }
  }, 120_000);
  it('codes the MRC text mask of a colour page as JBIG2: jbig2dec and poppler decode the same mask, poppler and Ghostscript paint it in the text colour, Preflight passes', async () => {
    const page = await renderPage({ seed: 47, dpi: 200, seal: true, skewDeg: 0 });
    const enc = await encodePage({ width: page.width, height: page.height, channels: 3, data: page.pixels, dpi: 200, bitonal: false }, 'mrc');
    expect(enc.method).toBe('mrc');
    const mask = enc.mask!;
    expect(mask.image.filter).toBe('JBIG2Decode');
    expect([mask.image.width, mask.image.height]).toEqual([page.width, page.height]);
    const fromJbig2dec = await jbig2dec(mask.image.data, page.width, page.height);
    const ink = fromJbig2dec.reduce((a, v) => a + v, 0);
    expect(ink).toBeGreaterThan(10_000); // the text is in the mask…
    expect(ink).toBeLessThan(page.width * page.height * 0.3); // …and the paper is not

    const pdf = await writeValidPdf(enc, 'mrc');
    expect((await checkImageXObjects(readFileSync(pdf))).flatMap((x) => x.problems)).toEqual([]);
    // poppler's JBIG2 decoder on the stencil mask: the same bits. pdfimages writes a mask's decoded samples as
    // they are — 0 (JBIG2's black) is where the mask paints — hence ink = light in its PNG.
    const ex = await popplerImage(pdf, 1);
    expect([ex.width, ex.height]).toEqual([page.width, page.height]);
    expect(differing(Uint8Array.from(ex.data, (v) => (v >= 128 ? 1 : 0)), fromJbig2dec)).toBe(0);
    // Readers: where the mask has ink the page is drawn dark (the text colour, not the paper of the background).
    await exec('pdftoppm', ['-r', '200', '-gray', '-png', '-singlefile', pdf, join(work, 'mrc-poppler')]);
    await exec('gs', ['-dSAFER', '-dBATCH', '-dNOPAUSE', '-sDEVICE=pnggray', '-r200', `-sOutputFile=${join(work, 'mrc-gs.png')}`, pdf], { env: { ...process.env, TZ: 'Asia/Ho_Chi_Minh' } });
    for (const file of [join(work, 'mrc-poppler.png'), join(work, 'mrc-gs.png')]) {
      const { data, info } = await sharp(file).greyscale().raw().toBuffer({ resolveWithObject: true });
      expect([info.width, info.height]).toEqual([page.width, page.height]);
      let inkDark = 0;
      let paperDark = 0;
      let paper = 0;
      for (let i = 0; i < fromJbig2dec.length; i++) {
        if (fromJbig2dec[i]) inkDark += data[i]! < 128 ? 1 : 0;
        else {
          paper++;
          paperDark += data[i]! < 128 ? 1 : 0;
        }
      }
      // A flipped polarity would paint the paper and leave the text: both shares would invert.
      expect(inkDark / ink, file).toBeGreaterThan(0.9);
      expect(paperDark / paper, file).toBeLessThan(0.02);
    }
  }, 120_000);
});
