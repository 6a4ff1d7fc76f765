import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import sharp from 'sharp';
import { prepareZXingModule, readBarcodes } from 'zxing-wasm/reader';
import type { RasterImage } from './raster';

let prepared = false;

/**
 * zxing-wasm's reader, with its .wasm read from node_modules: by default the module would fetch it from a
 * CDN at the first read — a counter PC may be offline and the station never downloads at run time.
 */
function prepare(): void {
  if (prepared) return;
  const wasm = readFileSync(createRequire(import.meta.url).resolve('zxing-wasm/reader/zxing_reader.wasm'));
  prepareZXingModule({ overrides: { wasmBinary: wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength) as ArrayBuffer } });
  prepared = true;
}

export interface FoundCode {
  format: 'QRCode';
  text: string;
  /** Pixel box of the symbol in the image. */
  box: { left: number; top: number; right: number; bottom: number };
}

export interface QrScan {
  codes: FoundCode[];
  /** Symbols found whose content could not be decoded (damaged, torn, smudged): never guessed. */
  unreadable: number;
}

/**
 * The QR codes on a page (cover and separator sheets, a CCCD's QR). The page is handed over as PNG (zxing
 * decodes it itself); large scans are read at up to `maxSide` px on the long side (default 2 400, enough for a
 * 25 mm QR). Text comes back NFC; damaged symbols are counted in `unreadable`, never returned as text.
 */
export async function scanQrSymbols(img: RasterImage, opts: { maxSide?: number } = {}): Promise<QrScan> {
  prepare();
  const long = Math.max(img.width, img.height);
  const maxSide = opts.maxSide ?? 2400;
  const scale = long > maxSide ? maxSide / long : 1;
  let pipeline = sharp(img.data, { raw: { width: img.width, height: img.height, channels: img.channels } });
  if (scale < 1) pipeline = pipeline.resize(Math.round(img.width * scale), Math.round(img.height * scale), { kernel: 'lanczos3' });
  const png = await pipeline.greyscale().png({ compressionLevel: 1 }).toBuffer();
  const results = await readBarcodes(new Uint8Array(png), { formats: ['QRCode'], tryHarder: true, maxNumberOfSymbols: 8, returnErrors: true });
  const codes = results
    .filter((r) => r.isValid && r.text !== '')
    .map((r) => {
      const xs = [r.position.topLeft.x, r.position.topRight.x, r.position.bottomLeft.x, r.position.bottomRight.x].map((v) => v / scale);
      const ys = [r.position.topLeft.y, r.position.topRight.y, r.position.bottomLeft.y, r.position.bottomRight.y].map((v) => v / scale);
      return { format: 'QRCode' as const, text: r.text.normalize('NFC'), box: { left: Math.min(...xs), top: Math.min(...ys), right: Math.max(...xs), bottom: Math.max(...ys) } };
    });
  return { codes, unreadable: results.filter((r) => !r.isValid).length };
}

/** The readable QR codes on a page (see scanQrSymbols). */
export async function readQrCodes(img: RasterImage): Promise<FoundCode[]> {
  return (await scanQrSymbols(img)).codes;
}
