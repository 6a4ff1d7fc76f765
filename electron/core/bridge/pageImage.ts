import sharp, { type Sharp } from 'sharp';
import { StationError } from '../../common/errors';
import { isPnm } from '../../common/fileType';
import { decodePnm } from '../../../native-bridge/pnm';
import type { Station } from '../station/station';
import { appendAudit } from '../store/audit';
import { pageImageSource } from '../store/reviewPages';

export const PAGE_ID_PATTERN = /^[0-9A-HJKMNP-TV-Z]{26}$/;
export const MAX_IMAGE_WIDTH = 2000;
/** The largest stored page the route decodes, PNM or not (a forged header must not make it allocate gigabytes). */
export const MAX_PAGE_PIXELS = 100_000_000;

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
  if (isPnm(blob)) {
    const pnm = decodePnm(blob, MAX_PAGE_PIXELS);
    img = sharp(pnm.data, { raw: { width: pnm.width, height: pnm.height, channels: pnm.channels } });
  } else {
    img = sharp(blob, { limitInputPixels: MAX_PAGE_PIXELS });
  }
  const bytes = await img
    .rotate(src.rotation)
    .resize({ width: w, withoutEnlargement: true })
    .jpeg({ quality: 80 })
    .toBuffer();
  return { bytes, mediaType: 'image/jpeg' };
}
