import sharp, { type Metadata } from 'sharp';
import { StationError } from '../../common/errors';
import { isTiff, sniffFileType } from '../../common/fileType';
import { decodePnm, readPnmHeader } from '../../../native-bridge/pnm';
import { DEFAULT_MAX_PIXELS, type RasterImage } from './raster';
import { checkTiffCompressions, readTiffIfds } from './tiff';

export type ImageFormat = 'pnm' | 'png' | 'jpeg' | 'tiff';

export interface DecodeOptions {
  /** Media type from the page row or the file name; the bytes' magic number decides when they disagree. */
  mediaType?: string;
  /** Page of a multi-page TIFF (0-based). */
  page?: number;
  /** Refuse images with more pixels than this (IMAGE_TOO_LARGE) before decoding them. */
  maxPixels?: number;
  /** Used when the file states no resolution (SANE PNM never does). */
  dpiHint?: number;
}

export interface ImageProbe {
  format: ImageFormat;
  width: number;
  height: number;
  pages: number;
  dpi: number | null;
}

/** The image format from the magic number (common/fileType.ts), never from a name a citizen chose. */
export function sniffFormat(buf: Uint8Array): ImageFormat {
  if (buf.length === 0) throw new StationError('FILE_EMPTY', 'the image file is empty (0 bytes)');
  const type = sniffFileType(buf);
  if (type !== undefined && type !== 'pdf') return type;
  throw new StationError('IMAGE_UNSUPPORTED', 'not a PNM, PNG, JPEG or TIFF image');
}

/** Maps a libvips/sharp failure to a station code. */
export function sharpError(err: unknown, what: string): StationError {
  if (err instanceof StationError) return err;
  const msg = err instanceof Error ? err.message : String(err);
  if (/pixel limit/i.test(msg)) return new StationError('IMAGE_TOO_LARGE', `${what}: ${msg}`, undefined, { cause: err });
  if (/unsupported image format/i.test(msg)) return new StationError('IMAGE_UNSUPPORTED', `${what}: ${msg}`, undefined, { cause: err });
  if (/compression|not implemented|unsupported/i.test(msg)) return new StationError('IMAGE_UNSUPPORTED', `${what}: ${msg}`, undefined, { cause: err });
  return new StationError('IMAGE_CORRUPT', `${what}: ${msg}`, undefined, { cause: err });
}

/** Reads dimensions, page count and resolution from the header only (no pixel decoding). */
export async function probeImage(buf: Uint8Array, opts: Pick<DecodeOptions, 'maxPixels'> = {}): Promise<ImageProbe> {
  const maxPixels = opts.maxPixels ?? DEFAULT_MAX_PIXELS;
  const format = sniffFormat(buf);
  if (format === 'pnm') {
    const h = readPnmHeader(buf);
    return { format, width: h.width, height: h.height, pages: 1, dpi: null };
  }
  if (format === 'tiff' && isTiff(buf)) checkTiffCompressions(readTiffIfds(buf));
  let meta: Metadata;
  try {
    // limitInputPixels: false here — we compare ourselves so the message names the declared size.
    meta = await sharp(buf, { limitInputPixels: false }).metadata();
  } catch (err) {
    throw sharpError(err, `reading ${format} header`);
  }
  const width = meta.width ?? 0;
  const height = meta.height ?? 0;
  if (width < 1 || height < 1) throw new StationError('IMAGE_CORRUPT', `${format} header declares no pixels`);
  if (width * height > maxPixels) {
    throw new StationError('IMAGE_TOO_LARGE', `${format} declares ${width}×${height} pixels, above the limit of ${maxPixels}`, { width, height, maxPixels });
  }
  return { format, width, height, pages: meta.pages ?? 1, dpi: meta.density ? Math.round(meta.density) : null };
}

/**
 * Decodes one page into 8-bit gray or RGB samples. Alpha is flattened onto white; CMYK, palette and
 * 16-bit inputs are converted. Zero bytes → FILE_EMPTY, unknown format or TIFF compression → IMAGE_UNSUPPORTED,
 * declared size above `maxPixels` → IMAGE_TOO_LARGE (checked on the header, before any pixel is decoded),
 * truncated or corrupt data → IMAGE_CORRUPT.
 */
export async function decodeImage(buf: Uint8Array, opts: DecodeOptions = {}): Promise<RasterImage> {
  const maxPixels = opts.maxPixels ?? DEFAULT_MAX_PIXELS;
  const format = sniffFormat(buf);
  if (format === 'pnm') {
    const img = decodePnm(buf, maxPixels);
    return { ...img, dpi: opts.dpiHint ?? null };
  }
  const probe = await probeImage(buf, { maxPixels });
  const page = opts.page ?? 0;
  if (page < 0 || page >= probe.pages) throw new StationError('INVALID_REQUEST', `page ${page + 1} of ${probe.pages}`);
  let meta: Metadata;
  try {
    meta = await sharp(buf, { limitInputPixels: maxPixels, page }).metadata();
  } catch (err) {
    throw sharpError(err, `reading ${format}`);
  }
  const width = meta.width ?? 0;
  const height = meta.height ?? 0;
  if (width * height > maxPixels) {
    throw new StationError('IMAGE_TOO_LARGE', `${format} page ${page + 1} declares ${width}×${height} pixels`, { width, height, maxPixels });
  }
  const gray = meta.space === 'b-w' || meta.space === 'grey16' || (meta.channels !== undefined && meta.channels <= 2 && meta.space !== 'cmyk');
  const bitonal = (meta.bitsPerSample === 1 && gray) || (meta.bitsPerSample === 1 && meta.isPalette === true);
  const channels: 1 | 3 = gray || bitonal ? 1 : 3;
  try {
    let pipe = sharp(buf, { limitInputPixels: maxPixels, page, pages: 1 }).autoOrient();
    if (meta.hasAlpha) pipe = pipe.flatten({ background: '#ffffff' });
    pipe = pipe.toColourspace(channels === 1 ? 'b-w' : 'srgb');
    const { data, info } = await pipe.raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
    if (info.channels !== channels) throw new StationError('INTERNAL', `decoded ${info.channels} channels, expected ${channels}`);
    const dpi = meta.density ? Math.round(meta.density) : (opts.dpiHint ?? null);
    return { width: info.width, height: info.height, channels, data, dpi, bitonal };
  } catch (err) {
    throw sharpError(err, `decoding ${format}`);
  }
}

/** Every page of a (multi-page) image, one at a time so memory holds one page. */
export async function* decodePages(buf: Uint8Array, opts: Omit<DecodeOptions, 'page'> = {}): AsyncGenerator<RasterImage> {
  const probe = await probeImage(buf, opts);
  for (let page = 0; page < probe.pages; page++) yield await decodeImage(buf, { ...opts, page });
}
