import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openP12Key } from '../../../electron/core/signing/p12';
import { signPdf } from '../../../electron/core/signing/pades';
import { makePdfA } from '../../signing-infra/pdfs';
import { TestPki, type IssuedCert } from '../../signing-infra/pki';
import { ocrGray, type GrayRaster } from '../../helpers/reader';

/**
 * The mark's font program is stored at 128 units per em (compactFont.ts), not Liberation Serif's 2048. Judged
 * as a reader meets it: poppler and Ghostscript draw the mark at 600 dpi, and the drawing is compared with
 * the same mark embedded at full precision — every inked pixel of one lies within 2 pixels (0.08 mm) of ink
 * in the other, and tesseract reads both alike, tone marks included.
 */

const DPI = 600;
const LINES = ['Người sao: Nguyễn Thị Hường', 'Thời gian sao: 2026-11-25T09:30:00+07:00'];

let pki: TestPki;
let clerk: IssuedCert;
let work: string;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'sohoa-markfont-'));
  pki = new TestPki();
  await pki.start();
  clerk = pki.issue('Mark Font Clerk', 'rsa');
}, 120_000);

afterAll(async () => {
  await pki?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

/** The top-left 3 × 0.75 inches of page 1 (where the clerk's mark sits), drawn by `renderer` at DPI, in gray. */
function renderCorner(pdf: string, renderer: 'pdftoppm' | 'gs'): Promise<GrayRaster> {
  const out = join(work, `${renderer}-${Math.random().toString(36).slice(2)}`);
  const r =
    renderer === 'pdftoppm'
      ? spawnSync('pdftoppm', ['-r', String(DPI), '-f', '1', '-l', '1', '-gray', '-png', '-singlefile', pdf, out], { encoding: 'utf8' })
      : spawnSync('gs', ['-q', '-dSAFER', '-dBATCH', '-dNOPAUSE', '-sDEVICE=pnggray', `-r${DPI}`, '-dFirstPage=1', '-dLastPage=1', `-sOutputFile=${out}.png`, pdf], {
          encoding: 'utf8',
          env: { ...process.env, TZ: 'Asia/Ho_Chi_Minh' },
        });
  if (r.status !== 0) throw new Error(`${renderer}: ${r.stderr}`);
  return sharp(readFileSync(`${out}.png`))
    .extract({ left: 0, top: 0, width: 3 * DPI, height: (3 * DPI) / 4 })
    .greyscale()
    .raw()
    .toBuffer({ resolveWithObject: true })
    .then(({ data, info }) => ({ width: info.width, height: info.height, data }));
}

/** Share of a's ink pixels (gray < 128) with ink in b within `r` pixels. */
function inkCoveredBy(a: GrayRaster, b: GrayRaster, r: number): { ink: number; covered: number } {
  let ink = 0;
  let covered = 0;
  for (let y = 0; y < a.height; y++)
    for (let x = 0; x < a.width; x++) {
      if (a.data[y * a.width + x]! >= 128) continue;
      ink++;
      let hit = false;
      for (let dy = -r; dy <= r && !hit; dy++)
        for (let dx = -r; dx <= r && !hit; dx++) {
          const yy = y + dy;
          const xx = x + dx;
          if (yy >= 0 && yy < b.height && xx >= 0 && xx < b.width && b.data[yy * b.width + xx]! < 128) hit = true;
        }
      if (hit) covered++;
    }
  return { ink, covered: ink ? covered / ink : 0 };
}

describe('signature mark font at mark precision', () => {
  it('draws in poppler and Ghostscript as the full-precision font does, and reads the same with its tone marks', async () => {
    const input = await makePdfA(join(work, 'in.pdf'), 1, { dpi: 72 }); // light gray at the top: only the mark has ink there
    const signed = async (name: string, unitsPerEm?: number): Promise<string> => {
      const out = join(work, name);
      await signPdf({ input, output: out, key: openP12Key(clerk.p12, clerk.p12Password), level: 'B-B', mark: { position: 'top-left', lines: LINES, ...(unitsPerEm ? { unitsPerEm } : {}) } });
      return out;
    };
    const compact = await signed('compact.pdf');
    const full = await signed('full.pdf', 2048);
    expect(readFileSync(compact).length).toBeLessThan(readFileSync(full).length);
    for (const renderer of ['pdftoppm', 'gs'] as const) {
      const a = await renderCorner(compact, renderer);
      const b = await renderCorner(full, renderer);
      const ab = inkCoveredBy(a, b, 2);
      const ba = inkCoveredBy(b, a, 2);
      expect(ab.ink).toBeGreaterThan(5000);
      expect(Math.abs(ab.ink - ba.ink) / ba.ink).toBeLessThan(0.03);
      expect(ab.covered, renderer).toBeGreaterThan(0.995);
      expect(ba.covered, renderer).toBeGreaterThan(0.995);
      const text = (await ocrGray(a, DPI, work)).replace(/\s+/g, ' ').trim();
      expect(text, renderer).toBe((await ocrGray(b, DPI, work)).replace(/\s+/g, ' ').trim());
      for (const word of ['Người', 'Nguyễn', 'Thị', 'Hường', 'Thời', 'gian']) expect(text, renderer).toContain(word);
    }
  }, 180_000);
});
