import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { decodeImage } from '../../electron/core/imaging/decode';
import type { RasterImage } from '../../electron/core/imaging/raster';

/**
 * The reader's check: a PDF page as poppler and Ghostscript draw it, compared with the source page.
 * Both renderers, because they decode images independently (a declared/actual mismatch garbles both, but
 * other faults show in one only). Ghostscript runs with -dSAFER and a non-UTC TZ (testing.md).
 */
export type Renderer = 'pdftoppm' | 'gs';
export const RENDERERS: Renderer[] = ['pdftoppm', 'gs'];

export interface GrayRaster {
  width: number;
  height: number;
  data: Buffer;
}

/**
 * Renderers draw at 4× the page's resolution and the result is averaged back 4×4: poppler's Splash
 * interpolates images bilinearly at any scale below 4 (1:1 included, ≈ 28 dB on a perfect copy), and
 * replicates pixels from 4× on — so the average is the image as stored, in poppler and Ghostscript alike.
 */
const SUPERSAMPLE = 4;

function reduce(img: GrayRaster, k: number): GrayRaster {
  const width = Math.floor(img.width / k);
  const height = Math.floor(img.height / k);
  const data = Buffer.alloc(width * height);
  const n = k * k;
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      let sum = 0;
      for (let j = 0; j < k; j++) {
        const row = (k * y + j) * img.width + k * x;
        for (let i = 0; i < k; i++) sum += img.data[row + i]!;
      }
      data[y * width + x] = Math.round(sum / n);
    }
  return { width, height, data };
}

/** Page 1 of `pdf` as one renderer draws it, in 8-bit gray at `dpi` (drawn at 4× and averaged back). */
export async function renderGray(pdf: string, dpi: number, renderer: Renderer, dir: string): Promise<GrayRaster> {
  return reduce(await renderAt(pdf, dpi * SUPERSAMPLE, renderer, dir), SUPERSAMPLE);
}

async function renderAt(pdf: string, dpi: number, renderer: Renderer, dir: string): Promise<GrayRaster> {
  const prefix = join(dir, `${renderer}-${Math.random().toString(36).slice(2)}`);
  const r =
    renderer === 'pdftoppm'
      ? spawnSync('pdftoppm', ['-r', String(dpi), '-f', '1', '-l', '1', '-gray', pdf, prefix], { encoding: 'utf8' })
      : spawnSync('gs', ['-q', '-dSAFER', '-dBATCH', '-dNOPAUSE', '-sDEVICE=pgmraw', `-r${dpi}`, '-dFirstPage=1', '-dLastPage=1', `-sOutputFile=${prefix}.pgm`, pdf], {
          encoding: 'utf8',
          env: { ...process.env, TZ: 'Asia/Ho_Chi_Minh' },
        });
  if (r.status !== 0) throw new Error(`${renderer} ${pdf}: exit ${r.status} ${r.stderr}`);
  const base = prefix.slice(dir.length + 1);
  const file = readdirSync(dir).find((f) => f.startsWith(base) && f.endsWith('.pgm'));
  if (!file) throw new Error(`${renderer} wrote no page for ${pdf}`);
  const path = join(dir, file);
  const img = await decodeImage(readFileSync(path));
  rmSync(path);
  return { width: img.width, height: img.height, data: img.data };
}

/** The source page as a reader of the original would see it, in 8-bit gray. */
export async function grayOf(img: RasterImage): Promise<GrayRaster> {
  if (img.channels === 1) return { width: img.width, height: img.height, data: img.data };
  const data = await sharp(img.data, { raw: { width: img.width, height: img.height, channels: img.channels } }).toColourspace('b-w').extractChannel(0).raw().toBuffer();
  return { width: img.width, height: img.height, data };
}

/**
 * PSNR in dB over the common area (renderers may round the page size by a pixel). A garbled image (a
 * 3-component JPEG read as gray) scores ≈ 10 dB; a good JPEG of a scan 35–45 dB.
 */
export function psnr(a: GrayRaster, b: GrayRaster): number {
  const w = Math.min(a.width, b.width);
  const h = Math.min(a.height, b.height);
  if (Math.abs(a.width - b.width) > 2 || Math.abs(a.height - b.height) > 2) return 0; // a different page shape
  let se = 0;
  for (let y = 0; y < h; y++) {
    const ra = y * a.width;
    const rb = y * b.width;
    for (let x = 0; x < w; x++) {
      const d = a.data[ra + x]! - b.data[rb + x]!;
      se += d * d;
    }
  }
  const mse = se / (w * h);
  return mse === 0 ? 99 : 10 * Math.log10((255 * 255) / mse);
}

/** tesseract on a gray raster (vie), one thread: the text a reader's OCR gets. */
export async function ocrGray(g: GrayRaster, dpi: number, dir: string): Promise<string> {
  const png = join(dir, `ocr-${Math.random().toString(36).slice(2)}.png`);
  await sharp(g.data, { raw: { width: g.width, height: g.height, channels: 1 } }).withMetadata({ density: dpi }).png().toFile(png);
  const r = spawnSync('tesseract', [png, '-', '-l', 'vie', '--psm', '6'], { encoding: 'utf8', env: { ...process.env, OMP_THREAD_LIMIT: '1' } });
  if (r.status !== 0) throw new Error(`tesseract: ${r.stderr}`);
  return r.stdout;
}
