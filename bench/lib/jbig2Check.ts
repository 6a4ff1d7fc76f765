/**
 * The reader's check of JBIG2 streams in a PDF for the bench: each embedded stream (pdfimages -all) decoded by
 * jbig2dec, the reference decoder, and by poppler (pdfimages -png), compared pixel for pixel.
 */
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { run } from './tools';

/** 1 = black, one byte per pixel, from a 1-bit PBM (jbig2dec) or a gray PNG (poppler's decode). */
export async function pixelsOf(file: string): Promise<{ width: number; height: number; px: Uint8Array }> {
  const buf = readFileSync(file);
  if (buf.toString('latin1', 0, 2) === 'P4') {
    const m = /^P4\s+(\d+)\s+(\d+)\s/.exec(buf.toString('latin1', 0, 40))!;
    const [width, height] = [Number(m[1]), Number(m[2])];
    const data = buf.subarray(m[0].length);
    const rowBytes = Math.ceil(width / 8);
    const px = new Uint8Array(width * height);
    for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) px[y * width + x] = (data[y * rowBytes + (x >> 3)]! >> (7 - (x & 7))) & 1;
    return { width, height, px };
  }
  const { data, info } = await sharp(buf).greyscale().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, px: Uint8Array.from(data, (v) => (v < 128 ? 1 : 0)) };
}

export interface StreamCheck {
  total: number;
  identical: number;
  failures: string[];
  /** Per stream: its bytes and jbig2dec's decoding (a PBM in `dir`). */
  streams: { file: string; bytes: number; pbm: string }[];
}

/**
 * Every JBIG2 stream of `pdf` (pdfimages -all) decoded by jbig2dec and by poppler (pdfimages -png), compared.
 * pdfimages writes a stencil mask's (the MRC text layer's) decoded samples as they are: JBIG2's black comes out
 * as 0 = where the mask paints, so its PNG is compared inverted.
 */
export async function crossCheckStreams(pdf: string, dir: string): Promise<StreamCheck> {
  mkdirSync(dir, { recursive: true });
  const list = await run('pdfimages', ['-list', pdf]);
  const stencil = new Set(list.stdout.split('\n').flatMap((l) => {
    const c = l.trim().split(/\s+/);
    return c[2] === 'stencil' ? [c[1]!.padStart(3, '0')] : [];
  }));
  await run('pdfimages', ['-all', pdf, join(dir, 'raw')]);
  await run('pdfimages', ['-png', pdf, join(dir, 'poppler')]);
  const raws = readdirSync(dir).filter((f) => f.startsWith('raw-') && f.endsWith('.jb2e')).sort();
  let identical = 0;
  const failures: string[] = [];
  const streams: StreamCheck['streams'] = [];
  for (const f of raws) {
    const k = f.slice(4, -5);
    const pbm = join(dir, `jbig2dec-${k}.pbm`);
    const d = await run('jbig2dec', ['--embedded', '-q', '-t', 'pbm', '-o', pbm, join(dir, f)]);
    if (d.code !== 0) {
      failures.push(`${f}: jbig2dec exit ${d.code}`);
      continue;
    }
    streams.push({ file: f, bytes: readFileSync(join(dir, f)).length, pbm });
    const a = await pixelsOf(pbm);
    const b = await pixelsOf(join(dir, `poppler-${k}.png`));
    if (stencil.has(k)) b.px = b.px.map((v) => 1 - v);
    if (a.width === b.width && a.height === b.height && Buffer.from(a.px).equals(Buffer.from(b.px))) identical++;
    else failures.push(`${f}: jbig2dec and poppler differ`);
  }
  return { total: raws.length, identical, failures, streams };
}
