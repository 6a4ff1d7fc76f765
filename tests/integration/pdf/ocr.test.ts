import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { preflightFiles } from '../../../electron/core/pdf/preflight';
import { characterErrorRate, diacriticRecall } from '../../fixtures/pages/cer';
import { renderPage } from '../../fixtures/pages/generate';
import { runCli } from '../../helpers/cli';
import { tempDir } from '../../helpers/tmp';

describe('searchable Vietnamese text (OCR layer)', () => {
  it('`sohoa pdf page.png --ocr vie`: pdftotext gives what tesseract reads, with tone marks (NFC); PDF/A-1b; the file grows ≤ 15 %', async () => {
    const dir = tempDir('sohoa-ocr-');
    const page = await renderPage({ seed: 11, dpi: 200, seal: false, skewDeg: 0 });
    const png = join(dir, 'page.png');
    await sharp(page.pixels, { raw: { width: page.width, height: page.height, channels: page.channels } }).withMetadata({ density: 200 }).png().toFile(png);

    const plain = join(dir, 'plain.pdf');
    const searchable = join(dir, 'ocr.pdf');
    const a = runCli(['pdf', png, '--out', plain, '--no-deskew', '--no-orient']);
    expect(a.code, a.stderr).toBe(0);
    const b = runCli(['pdf', png, '--out', searchable, '--ocr', 'vie', '--no-deskew', '--no-orient']);
    expect(b.code, b.stderr).toBe(0);

    // The reader: pdftotext of the PDF against tesseract's own reading of the same page.
    const tesseract = execFileSync('tesseract', [png, 'stdout', '-l', 'vie', '--psm', '3'], { encoding: 'utf8' });
    const extracted = execFileSync('pdftotext', ['-enc', 'UTF-8', searchable, '-'], { encoding: 'utf8' });
    expect(extracted).toBe(extracted.normalize('NFC'));
    expect(characterErrorRate(tesseract, extracted)).toBeLessThanOrEqual(0.01);
    expect(diacriticRecall(page.text, extracted)).toBeGreaterThan(0.9); // tone marks survive into the text layer
    expect(execFileSync('pdftotext', ['-enc', 'UTF-8', plain, '-'], { encoding: 'utf8' }).trim()).toBe(''); // no layer without --ocr

    // Words land where they are printed: the first title word's box from pdftotext -bbox lies inside the page's upper half.
    const bbox = execFileSync('pdftotext', ['-bbox', searchable, '-'], { encoding: 'utf8' });
    expect(bbox).toMatch(/<word xMin="[\d.]+" yMin="[\d.]+" xMax="[\d.]+" yMax="[\d.]+">/);

    const [pf] = await preflightFiles([searchable]);
    expect(pf).toMatchObject({ valid: true, errors: [] });
    const growth = statSync(searchable).size / statSync(plain).size - 1;
    expect(growth).toBeLessThanOrEqual(0.15);
    // The page still looks the same (the layer is invisible): Ghostscript renders both files identically.
    const render = (pdf: string): Buffer => {
      execFileSync('gs', ['-q', '-dSAFER', '-dBATCH', '-dNOPAUSE', '-sDEVICE=pnggray', '-r50', `-sOutputFile=${pdf}.png`, pdf], { env: { ...process.env, TZ: 'Asia/Ho_Chi_Minh' } });
      return readFileSync(`${pdf}.png`);
    };
    const [ra, rb] = await Promise.all([render(plain), render(searchable)].map((p) => sharp(p).raw().toBuffer()));
    expect(ra!.equals(rb!)).toBe(true);
  });
});
