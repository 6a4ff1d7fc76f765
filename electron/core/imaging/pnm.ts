import { StationError } from '../../common/errors';
import type { RasterImage } from './raster';

/** True when the bytes start like a binary PNM (P4 bitmap, P5 graymap, P6 pixmap) — SANE's raw output. */
export function isPnm(buf: Uint8Array): boolean {
  return buf.length >= 2 && buf[0] === 0x50 && (buf[1] === 0x34 || buf[1] === 0x35 || buf[1] === 0x36);
}

export interface PnmHeader {
  kind: 'P4' | 'P5' | 'P6';
  width: number;
  height: number;
  maxval: number;
  /** Offset of the first pixel byte. */
  offset: number;
}

const isSpace = (c: number): boolean => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d || c === 0x0b || c === 0x0c;

/**
 * Parses the header: magic, then whitespace/comment separated decimal width, height and (not for P4)
 * maxval, then exactly one whitespace byte before the pixels (netpbm spec).
 */
export function parsePnmHeader(buf: Uint8Array): PnmHeader {
  if (!isPnm(buf)) throw new StationError('IMAGE_UNSUPPORTED', 'not a binary PNM (P4/P5/P6)');
  const kind = buf[1] === 0x34 ? 'P4' : buf[1] === 0x35 ? 'P5' : 'P6';
  let i = 2;
  const fields: number[] = [];
  const want = kind === 'P4' ? 2 : 3;
  const limit = Math.min(buf.length, 4096);
  while (fields.length < want) {
    // skip whitespace and comments
    while (i < limit) {
      const c = buf[i]!;
      if (isSpace(c)) i++;
      else if (c === 0x23) {
        while (i < limit && buf[i] !== 0x0a && buf[i] !== 0x0d) i++;
      } else break;
    }
    let n = 0;
    let digits = 0;
    while (i < limit && buf[i]! >= 0x30 && buf[i]! <= 0x39) {
      n = n * 10 + (buf[i]! - 0x30);
      digits++;
      i++;
      if (digits > 9) throw new StationError('IMAGE_CORRUPT', 'PNM header number too long');
    }
    if (digits === 0) throw new StationError('IMAGE_CORRUPT', 'PNM header is malformed or truncated');
    fields.push(n);
  }
  if (i >= buf.length || !isSpace(buf[i]!)) throw new StationError('IMAGE_CORRUPT', 'PNM header is not followed by whitespace');
  i++;
  const [width, height] = fields as [number, number];
  const maxval = kind === 'P4' ? 1 : fields[2]!;
  if (width < 1 || height < 1) throw new StationError('IMAGE_CORRUPT', `PNM has no pixels (${width}×${height})`);
  if (maxval < 1 || maxval > 65535) throw new StationError('IMAGE_CORRUPT', `PNM maxval ${maxval} out of range`);
  return { kind, width, height, maxval, offset: i };
}

/** Bytes of pixel data the header promises. */
export function pnmDataBytes(h: PnmHeader): number {
  if (h.kind === 'P4') return Math.ceil(h.width / 8) * h.height;
  const bps = h.maxval > 255 ? 2 : 1;
  return h.width * h.height * (h.kind === 'P6' ? 3 : 1) * bps;
}

/**
 * Decodes a binary PNM into 8-bit samples. Checks the declared size against `maxPixels` before allocating
 * anything (IMAGE_TOO_LARGE) and refuses a file shorter than its header promises (IMAGE_CORRUPT).
 * 16-bit samples (maxval > 255, big-endian) and maxvals below 255 are rescaled to 0..255.
 */
export function decodePnm(buf: Uint8Array, maxPixels: number): RasterImage {
  const h = parsePnmHeader(buf);
  if (h.width * h.height > maxPixels) {
    throw new StationError('IMAGE_TOO_LARGE', `PNM declares ${h.width}×${h.height} pixels, above the limit of ${maxPixels}`, { width: h.width, height: h.height, maxPixels });
  }
  const need = pnmDataBytes(h);
  if (buf.length - h.offset < need) {
    throw new StationError('IMAGE_CORRUPT', `PNM is truncated: ${buf.length - h.offset} of ${need} pixel bytes`, { have: buf.length - h.offset, need });
  }
  const { width, height } = h;
  if (h.kind === 'P4') {
    const stride = Math.ceil(width / 8);
    const out = Buffer.allocUnsafe(width * height);
    let o = 0;
    for (let y = 0; y < height; y++) {
      const row = h.offset + y * stride;
      for (let x = 0; x < width; x++) {
        // P4: 1 = black
        out[o++] = (buf[row + (x >> 3)]! >> (7 - (x & 7))) & 1 ? 0 : 255;
      }
    }
    return { width, height, channels: 1, data: out, dpi: null, bitonal: true };
  }
  const channels = h.kind === 'P6' ? 3 : 1;
  const samples = width * height * channels;
  const src = buf.subarray(h.offset, h.offset + need);
  let data: Buffer;
  if (h.maxval === 255) {
    data = Buffer.from(src.buffer, src.byteOffset, samples);
  } else if (h.maxval < 256) {
    data = Buffer.allocUnsafe(samples);
    const scale = 255 / h.maxval;
    for (let k = 0; k < samples; k++) data[k] = Math.min(255, Math.round(src[k]! * scale));
  } else {
    data = Buffer.allocUnsafe(samples);
    const scale = 255 / h.maxval;
    for (let k = 0, j = 0; k < samples; k++, j += 2) data[k] = Math.min(255, Math.round(((src[j]! << 8) | src[j + 1]!) * scale));
  }
  return { width, height, channels, data, dpi: null, bitonal: false };
}
