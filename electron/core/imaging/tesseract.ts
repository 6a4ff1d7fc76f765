import { runProcess } from '../../../native-bridge/process/run';
import { StationError } from '../../common/errors';

/**
 * Tesseract, the one OCR engine of the station: how it is run and how its TSV is read. Used by the PDF text
 * layer (pdf/ocr.ts) and by the orientation second opinion (ocrOrientation.ts), which sits below pdf/.
 */
/** One recognised word, in pixels of the upright page (top-left origin), text in NFC. */
export interface OcrWord {
  text: string;
  left: number;
  top: number;
  width: number;
  height: number;
  /** Block/paragraph/line key: words of one line share it (reading order). */
  line: string;
  /** Tesseract's confidence in the word, 0–100. */
  conf: number;
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
    words.push({ text, left, top: line.top, width, height: line.height, line: key, conf: Number(c[10]) });
  }
  return words;
}

/** Where tesseract and its traineddata are. */
export interface TesseractOptions {
  /** Language(s) of the run, for error details (the arguments name them). */
  lang?: string;
  /** SOHOA_TESSERACT, else `tesseract` on PATH. */
  command?: string;
  /** Folder holding <lang>.traineddata (Windows: resources/tessdata); unset = tesseract's own. */
  tessdata?: string;
  timeoutMs?: number;
}

/**
 * Runs tesseract through the station's process runner and answers its stdout. One thread (OMP_THREAD_LIMIT):
 * its OpenMP threads only contend with the rest of the station on a counter PC's few cores. A missing
 * program is TOOL_MISSING, any other failure OCR_FAILED.
 */
export async function runTesseract(args: string[], opts: TesseractOptions = {}): Promise<string> {
  const cmd = opts.command ?? process.env.SOHOA_TESSERACT ?? 'tesseract';
  const [input, output, ...rest] = args;
  const full = [input ?? '', output ?? 'stdout', ...(opts.tessdata ? ['--tessdata-dir', opts.tessdata] : []), ...rest];
  const detail = { tool: 'tesseract', ...(opts.lang ? { lang: opts.lang } : {}) };
  const timeoutMs = opts.timeoutMs ?? 120_000;
  const r = await runProcess(cmd, full, {
    env: { OMP_THREAD_LIMIT: '1' },
    timeoutMs,
    maxOutput: 32 * 1024 * 1024,
    missing: `tesseract: ${cmd} is not installed`,
  }).catch((err: unknown) => {
    if (err instanceof StationError) throw new StationError(err.code, err.message, detail);
    throw err;
  });
  if (r.code !== 0 || r.timedOut) {
    const why = r.timedOut ? `no answer within ${timeoutMs} ms` : r.stderr || `exit ${String(r.code ?? r.signal)}`;
    throw new StationError('OCR_FAILED', `tesseract: ${why.slice(0, 400)}`, detail);
  }
  return r.stdout;
}
