import { parseCccdQr, type CccdQr } from '../../common/cccdQr';
import { StationError } from '../../common/errors';
import { readQrCodes } from '../imaging/codes';
import type { RasterImage } from '../imaging/raster';

/**
 * Owner data from a photo or scan of a chip CCCD: its QR is read and checked (common/cccdQr.ts). The image
 * is only read here — nothing of it is stored (a card scanned to prefill the form is not a component).
 */
export async function cccdFromImage(img: RasterImage, now: Date = new Date()): Promise<CccdQr> {
  const codes = await readQrCodes(img);
  if (codes.length === 0) throw new StationError('QR_NOT_FOUND', 'no readable QR code on the image');
  let last: { problem: string; detail: string } | null = null;
  for (const c of codes) {
    const r = parseCccdQr(c.text, now);
    if (r.ok) return r.value;
    if (r.problem !== 'NOT_CCCD_QR') last = r;
  }
  if (last === null) throw new StationError('QR_NOT_FOUND', 'the QR codes on the image are not a CCCD QR', { codes: codes.length });
  throw new StationError(last.problem === 'IME_MANGLED' ? 'CCCD_QR_IME' : 'CCCD_QR_INVALID', `CCCD QR: ${last.problem} (${last.detail})`, { problem: last.problem });
}
