import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { characterErrorRate, diacriticRecall, normaliseForCer } from '../../tests/fixtures/pages/cer';
import { readPnm, type FixturePage } from '../../tests/fixtures/pages/generate';
import { pool, run } from './tools';

export interface OcrScore {
  lang: string;
  pages: number;
  /** Edit distance summed over pages / reference characters summed (NFC, whitespace folded). */
  cer: number;
  /** Share of the reference's Vietnamese marked letters (ả, ệ, ộ, ữ, đ …) that came back. */
  diacriticRecall: number;
}

/**
 * Renders pages 1..n of a PDF at 300 dpi (pdftoppm): what a reader sees, so an invisible text layer never counts.
 * Uncompressed TIFF (it keeps the 300 dpi tag tesseract reads): pdftoppm's PNG spent 10–40 s compressing each A4
 * page on a busy 2-core machine, most of the bench test's time, for the same pixels and the same OCR text.
 * 26 MB a page: a caller removes `dir` once it has read the images.
 */
export async function renderPdf(pdf: string, n: number, dir: string): Promise<string[]> {
  mkdirSync(dir, { recursive: true });
  const r = await run('pdftoppm', ['-r', '300', '-f', '1', '-l', String(n), '-tiff', pdf, join(dir, 'p')]);
  if (r.code !== 0) throw new Error(`pdftoppm ${pdf}: ${r.stderr}`);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.tif'))
    .sort()
    .map((f) => join(dir, f));
}

/** The scanner's own pixels scaled to 300 dpi (Lanczos): the reference every output is compared with. */
export async function renderSource(pages: FixturePage[], dir: string): Promise<string[]> {
  mkdirSync(dir, { recursive: true });
  return Promise.all(
    pages.map(async (p, i) => {
      const img = readPnm(readFileSync(p.pnmPath));
      const out = join(dir, `p-${i + 1}.png`);
      await sharp(img.pixels, { raw: { width: img.width, height: img.height, channels: img.channels } })
        .resize(Math.round((img.width * 300) / p.dpi))
        .png({ compressionLevel: 1 })
        .toFile(out);
      return out;
    }),
  );
}

export async function tesseract(png: string, lang: string): Promise<string> {
  const r = await run('tesseract', [png, '-', '-l', lang, '--psm', '3'], { env: { OMP_THREAD_LIMIT: '1' }, timeoutMs: 300_000 });
  if (r.code !== 0) throw new Error(`tesseract ${png}: ${r.stderr.trim()}`);
  return r.stdout;
}

/** OCR of rendered page images against the pages' ground truth, two tesseracts at a time. */
export async function scoreImages(images: string[], truth: FixturePage[], lang: string): Promise<OcrScore> {
  const n = Math.min(images.length, truth.length);
  const texts = await pool(images.slice(0, n), 2, (img) => tesseract(img, lang));
  let edits = 0;
  let refLen = 0;
  let recallHit = 0;
  for (let i = 0; i < n; i++) {
    const ref = truth[i]!.text;
    const len = normaliseForCer(ref).length;
    edits += characterErrorRate(ref, texts[i]!) * len;
    refLen += len;
    recallHit += diacriticRecall(ref, texts[i]!);
  }
  return { lang, pages: n, cer: refLen === 0 ? 0 : edits / refLen, diacriticRecall: n === 0 ? 0 : recallHit / n };
}
