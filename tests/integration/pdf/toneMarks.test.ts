import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodePage } from '../../../electron/core/pdf/encode';
import { DEFAULT_PROFILE } from '../../../electron/common/compressionProfiles';
import { PdfAWriter } from '../../../electron/core/pdf/writer';

const exec = promisify(execFile);
let work: string;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'sohoa-tonemarks-'));
});
afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

// Minimal pairs: the hook of dấu hỏi (ổ, ẩ, ẻ …) against dấu sắc and dấu ngã on the same letters — on real
// scans the hook merged into an acute in the MRC text mask (đổi → đối, thẩm → thấm, đẩy → đây).
const LINES = [
  'đổi đối thẩm thấm đẩy đấy hỏi hói cải cái',
  'bảo báo tổ tố mở mớ của cúa kể kế',
  'thủ thú nghỉ nghĩ lẻ lẽ đẻ đé sửa sữa',
  'phải phái tỉnh tính biển biến chỉ chí',
];
const HOOK = /[ảẩẳẻểỉỏổởủửỷ]/u;

/** A scanned-looking 200 dpi colour page: 11 pt text in grey-black ink, softened, on tinted paper with noise. */
async function scannedPage(): Promise<{ data: Buffer; width: number; height: number }> {
  const dpi = 200;
  const width = 1654;
  const height = 1000;
  const text = await sharp({ text: { text: LINES.join('\n'), font: 'Liberation Serif 11', dpi, width: width - 300, spacing: 20 } })
    .extractChannel(0)
    .toBuffer({ resolveWithObject: true });
  const ink = await sharp({ create: { width: text.info.width, height: text.info.height, channels: 3, background: '#2e2a28' } })
    .joinChannel(text.data, { raw: { width: text.info.width, height: text.info.height, channels: 1 } })
    .png()
    .toBuffer();
  const page = await sharp({ create: { width, height, channels: 3, background: '#f3efe6' } })
    .composite([{ input: ink, top: 150, left: 150 }])
    .blur(0.7)
    .removeAlpha()
    .raw()
    .toBuffer();
  let s = 7;
  for (let i = 0; i < page.length; i++) {
    s = (s * 1664525 + 1013904223) >>> 0;
    page[i] = Math.max(0, Math.min(255, page[i]! + ((s >>> 24) % 13) - 6));
  }
  return { data: page, width, height };
}

async function ocrWords(png: string): Promise<string[]> {
  const { stdout } = await exec('tesseract', [png, '-', '-l', 'vie', '--psm', '6'], { env: { ...process.env, OMP_THREAD_LIMIT: '1' } });
  return stdout.normalize('NFC').split(/\s+/).filter(Boolean);
}

describe('Vietnamese tone marks through the default profile', () => {
  it('keeps every dấu hỏi that tesseract vie reads on the scan itself (no hook turned into an acute)', async () => {
    const page = await scannedPage();
    const src = join(work, 'source.png');
    await sharp(page.data, { raw: { width: page.width, height: page.height, channels: 3 } })
      .resize(Math.round((page.width * 300) / 200))
      .png()
      .toFile(src);
    const enc = await encodePage({ width: page.width, height: page.height, channels: 3, data: page.data, dpi: 200, bitonal: false }, DEFAULT_PROFILE);
    expect(enc.method).toBe('mrc'); // the layered path is the one under test
    const pdf = join(work, 'page.pdf');
    const w = await PdfAWriter.open(pdf, { title: 'Dấu hỏi' });
    await w.addPage(enc);
    await w.close();
    await exec('pdftoppm', ['-r', '300', '-png', '-singlefile', pdf, join(work, 'out')]);

    const expectedWords = LINES.join(' ').split(' ').filter((wd) => HOOK.test(wd));
    const fromSource = new Set(await ocrWords(src));
    const fromPdf = new Set(await ocrWords(join(work, 'out.png')));
    const readOnSource = expectedWords.filter((wd) => fromSource.has(wd));
    // The scan is legible: most hook words come back from it (else the test would prove nothing).
    expect(readOnSource.length).toBeGreaterThanOrEqual(Math.ceil(expectedWords.length * 0.7));
    const lost = readOnSource.filter((wd) => !fromPdf.has(wd));
    expect(lost).toEqual([]);
  }, 180_000);
});
