import { rmSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { privateTempDir } from '../../../native-bridge/process/privateTemp';
import type { RasterImage } from '../imaging/raster';
import { parseTesseractTsv, runTesseract, type OcrWord, type TesseractOptions } from '../imaging/tesseract';

export type { OcrWord } from '../imaging/tesseract';

export interface OcrOptions extends TesseractOptions {
  /** Tesseract language(s), e.g. 'vie' or 'vie+eng'. */
  lang: string;
}

export interface OcrPageText {
  lang: string;
  words: OcrWord[];
}

/**
 * Reads the words of an upright page with tesseract (Debian's tesseract-ocr-vie here; on Windows the same
 * traineddata ships in resources/ — nothing is downloaded at run time). The image goes through a private
 * 0700 temp folder that is removed afterwards.
 */
export async function ocrPage(img: RasterImage, opts: OcrOptions): Promise<OcrPageText> {
  const dir = privateTempDir('ocr');
  try {
    const input = join(dir, 'page.png');
    await sharp(img.data, { raw: { width: img.width, height: img.height, channels: img.channels } }).png({ compressionLevel: 1 }).toFile(input);
    const args = [input, 'stdout', '-l', opts.lang, '--psm', '3', '--dpi', String(img.dpi ?? 200), 'tsv'];
    const tsv = await runTesseract(args, opts);
    return { lang: opts.lang, words: parseTesseractTsv(tsv) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
