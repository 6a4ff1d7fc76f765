import sharp, { type Sharp } from 'sharp';
import { StationError } from '../../common/errors';
import type { Station } from '../station/station';
import { appendAudit } from '../store/audit';
import { pageImageSource } from '../store/reviewPages';

export const PAGE_ID_PATTERN = /^[0-9A-HJKMNP-TV-Z]{26}$/;
export const MAX_IMAGE_WIDTH = 2000;

interface Pnm {
  width: number;
  height: number;
  channels: 1 | 3;
  data: Buffer;
}

/** Minimal PNM reader (P4 bitonal, P5 gray, P6 RGB, maxval 255) — what scanimage writes. */
export function decodePnm(buf: Buffer): Pnm {
  const magic = buf.toString('latin1', 0, 2);
  if (magic !== 'P4' && magic !== 'P5' && magic !== 'P6') throw new StationError('IMAGE_UNSUPPORTED', `not a binary PNM (${magic})`);
  const fields: number[] = [];
  let i = 2;
  const need = magic === 'P4' ? 2 : 3;
  while (fields.length < need) {
    while (i < buf.length && /\s/.test(String.fromCharCode(buf[i]!))) i++;
    if (buf[i] === 0x23) {
      while (i < buf.length && buf[i] !== 0x0a) i++;
      continue;
    }
    let n = '';
    while (i < buf.length && buf[i]! >= 0x30 && buf[i]! <= 0x39) n += String.fromCharCode(buf[i++]!);
    if (n === '') throw new StationError('IMAGE_CORRUPT', 'bad PNM header');
    fields.push(Number(n));
  }
  i++; // the single whitespace after the header
  const [width, height, maxval = 1] = fields as [number, number, number?];
  if (maxval > 255) throw new StationError('IMAGE_UNSUPPORTED', '16-bit PNM');
  if (magic === 'P4') {
    const rowBytes = Math.ceil(width / 8);
    const out = Buffer.alloc(width * height);
    for (let y = 0; y < height; y++)
      for (let x = 0; x < width; x++) {
        const bit = (buf[i + y * rowBytes + (x >> 3)]! >> (7 - (x & 7))) & 1;
        out[y * width + x] = bit ? 0 : 255;
      }
    return { width, height, channels: 1, data: out };
  }
  const channels = magic === 'P6' ? 3 : 1;
  const data = buf.subarray(i, i + width * height * channels);
  if (data.length < width * height * channels) throw new StationError('IMAGE_CORRUPT', 'truncated PNM');
  return { width, height, channels, data };
}

/**
 * A page as a JPEG the UI can show, by page id only (never a path): decoded from the stored blob,
 * turned by the page's rotation, scaled to `width` (thumbnails) — used by the bridge route and by the
 * Electron shell's station-page: protocol.
 */
/** Widths from which a page image is the large viewer, not a thumbnail. */
const VIEWER_MIN_WIDTH = 600;

export async function renderPageImage(station: Station, pageId: string, width: number, actor: string | null = null): Promise<{ bytes: Buffer; mediaType: string }> {
  if (!PAGE_ID_PATTERN.test(pageId)) throw new StationError('INVALID_REQUEST', 'not a page id');
  const w = Math.max(32, Math.min(MAX_IMAGE_WIDTH, Math.round(width) || 240));
  const src = pageImageSource(station.store, pageId);
  if (!src) throw new StationError('NOT_FOUND', `no page ${pageId}`);
  // Viewing a page of a citizen's document is a read of personal data (Law 91/2025). Thumbnails of a
  // strip are not logged one by one (the dossier view that shows them is).
  if (w >= VIEWER_MIN_WIDTH) appendAudit(station.store, { actor, action: 'page.view', subjectType: 'page', subjectId: pageId, details: { width: w } });
  const blob = station.blobs.get(src.sha256);
  let img: Sharp;
  if (blob[0] === 0x50 && blob[1] !== undefined && blob[1] >= 0x34 && blob[1] <= 0x36) {
    const pnm = decodePnm(blob);
    img = sharp(pnm.data, { raw: { width: pnm.width, height: pnm.height, channels: pnm.channels } });
  } else {
    img = sharp(blob, { limitInputPixels: 100_000_000 });
  }
  const bytes = await img
    .rotate(src.rotation)
    .resize({ width: w, withoutEnlargement: true })
    .jpeg({ quality: 80 })
    .toBuffer();
  return { bytes, mediaType: 'image/jpeg' };
}
