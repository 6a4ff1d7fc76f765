import { scanQrSymbols } from './codes';
import { grayCopy } from './gray';
import { detectPatchCode, type PatchCode } from './patchCode';
import type { RasterImage } from './raster';

/** What a page carries that could make it a cover or separator sheet. */
export interface SheetMarks {
  /** Decoded QR texts (NFC). */
  qr: string[];
  /** QR symbols found but not decodable, even at full resolution. */
  unreadableQr: number;
  patch: PatchCode | 'unclear' | null;
}

/** The resolution marks are looked for at: the station's cover QR has ≈ 5 px modules there, a patch bar ≥ 4 px. */
export const MARKS_DPI = 100;

/**
 * Reads the marks of one scanned page, fast: QR and patch bars on a 100 dpi gray copy (≈ 1 MP for A4). Only a
 * symbol seen there but not decoded is read again at full resolution (up to 2 400 px), so a content page costs
 * one small pass, and a creased or faint cover sheet still gets a careful second look.
 */
export async function readSheetMarks(img: RasterImage, assumedDpi = 200): Promise<SheetMarks> {
  const g = await grayCopy(img, MARKS_DPI, assumedDpi);
  const patch = detectPatchCode(g);
  const small: RasterImage = { width: g.width, height: g.height, channels: 1, data: Buffer.from(g.data.buffer, g.data.byteOffset, g.data.byteLength), dpi: g.dpi, bitonal: false };
  let scan = await scanQrSymbols(small);
  if (scan.unreadable > 0 && (img.width > g.width || img.height > g.height)) scan = await scanQrSymbols(img);
  return { qr: scan.codes.map((c) => c.text), unreadableQr: scan.unreadable, patch };
}
