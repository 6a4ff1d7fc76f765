import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { StationError } from '../../common/errors';
import type { RasterImage } from '../imaging/raster';
import { runProcess } from '../../../native-bridge/process/run';

/** One recognised word, in pixels of the upright page (top-left origin), text in NFC. */
export interface OcrWord {
  text: string;
  left: number;
  top: number;
  width: number;
  height: number;
  /** Block/paragraph/line key: words of one line share it (reading order). */
  line: string;
}

export interface OcrPageText {
  lang: string;
  words: OcrWord[];
}

export interface OcrOptions {
  /** Tesseract language(s), e.g. 'vie' or 'vie+eng'. */
  lang: string;
  /** SOHOA_TESSERACT, else `tesseract` on PATH. */
  command?: string;
  /** Folder holding <lang>.traineddata (Windows: resources/tessdata); unset = tesseract's own. */
  tessdata?: string;
  timeoutMs?: number;
}

/**
 * Parses tesseract's TSV: level 4 rows are lines, level 5 rows are words (`level page block par line word
 * left top width height conf text`). Each word takes the vertical extent of its line, so all words of a
 * line share one baseline and one size — text extraction (pdftotext, copy/paste) then keeps lines whole
 * and in reading order instead of splitting them where a word has no ascender or descender.
 */
export function parseTesseractTsv(tsv: string): OcrWord[] {
  const words: OcrWord[] = [];
  const lines = new Map<string, { top: number; height: number }>();
  for (const row of tsv.split('\n').slice(1)) {
    const c = row.split('\t');
    if (c.length < 12) continue;
    const key = `${c[1]}.${c[2]}.${c[3]}.${c[4]}`;
    const [left, top, width, height] = [c[6], c[7], c[8], c[9]].map(Number) as [number, number, number, number];
    if (![left, top, width, height].every(Number.isFinite) || width <= 0 || height <= 0) continue;
    if (c[0] === '4') {
      lines.set(key, { top, height });
      continue;
    }
    if (c[0] !== '5') continue;
    const text = c.slice(11).join('\t').trim().normalize('NFC');
    if (text === '' || Number(c[10]) < 0) continue;
    const line = lines.get(key) ?? { top, height };
    words.push({ text, left, top: line.top, width, height: line.height, line: key });
  }
  return words;
}

/**
 * Reads the words of an upright page with tesseract (Debian's tesseract-ocr-vie here; on Windows the same
 * traineddata ships in resources/ — nothing is downloaded at run time). The image goes through a private
 * 0700 temp folder that is removed afterwards.
 */
export async function ocrPage(img: RasterImage, opts: OcrOptions): Promise<OcrPageText> {
  const dir = mkdtempSync(join(tmpdir(), 'sohoa-ocr-'));
  try {
    const input = join(dir, 'page.png');
    await sharp(img.data, { raw: { width: img.width, height: img.height, channels: img.channels } }).png({ compressionLevel: 1 }).toFile(input);
    const args = [input, 'stdout', '-l', opts.lang, '--psm', '3', '--dpi', String(img.dpi ?? 200)];
    if (opts.tessdata) args.push('--tessdata-dir', opts.tessdata);
    args.push('tsv');
    const cmd = opts.command ?? process.env.SOHOA_TESSERACT ?? 'tesseract';
    // One OCR thread per page: the station runs pages side by side on a small PC.
    const r = await runProcess(cmd, args, {
      timeoutMs: opts.timeoutMs ?? 120_000,
      maxOutput: 32 * 1024 * 1024,
      env: { OMP_THREAD_LIMIT: '1' },
      missing: `tesseract: ${cmd} is not installed`,
    }).catch((err: unknown) => {
      if (err instanceof StationError) throw new StationError(err.code, err.message, { tool: 'tesseract', lang: opts.lang });
      throw err;
    });
    if (r.code !== 0 || r.timedOut) {
      const why = r.timedOut ? `no answer within ${opts.timeoutMs ?? 120_000} ms` : r.stderr || `exit ${r.code ?? r.signal}`;
      throw new StationError('OCR_FAILED', `tesseract: ${why.slice(0, 400)}`, { tool: 'tesseract', lang: opts.lang });
    }
    const tsv = r.stdout;
    return { lang: opts.lang, words: parseTesseractTsv(tsv) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
