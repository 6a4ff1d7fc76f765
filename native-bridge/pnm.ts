import { closeSync, fstatSync, fsyncSync, openSync, readSync, renameSync, writeSync } from 'node:fs';
import { StationError } from '../electron/common/errors';
import { FILE_MEDIA_TYPES, isPnm } from '../electron/common/fileType';

/**
 * The station's one PNM reader: what SANE's scanimage writes (P4 bitonal, P5 grey, P6 colour). The driver
 * checks spooled pages with it, imaging decodes them with it, and the page-image route renders them with
 * it — always under a pixel bound checked on the header before any allocation.
 */
export interface PnmHeader {
  magic: 'P4' | 'P5' | 'P6';
  width: number;
  height: number;
  maxval: number;
  /** Bytes before the pixel data. */
  headerBytes: number;
  /** Exact size the whole file must have. */
  expectedBytes: number;
}

export const PNM_MEDIA_TYPE = FILE_MEDIA_TYPES.pnm;

const isSpace = (c: number): boolean => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d || c === 0x0b || c === 0x0c;

/** Bytes of pixel data a header promises (rows of P4 are padded to whole bytes; maxval > 255 is 16-bit). */
function dataBytes(magic: PnmHeader['magic'], width: number, height: number, maxval: number): number {
  if (magic === 'P4') return Math.ceil(width / 8) * height;
  return width * height * (magic === 'P6' ? 3 : 1) * (maxval > 255 ? 2 : 1);
}

/**
 * Reads the header: magic, then whitespace/comment separated decimal width, height and (not for P4)
 * maxval, then exactly one whitespace byte before the pixels (netpbm spec). IMAGE_UNSUPPORTED when it is
 * not a binary PNM, IMAGE_CORRUPT when the header is malformed.
 */
export function readPnmHeader(buf: Uint8Array): PnmHeader {
  if (!isPnm(buf)) throw new StationError('IMAGE_UNSUPPORTED', 'not a binary PNM (P4/P5/P6)');
  const magic = buf[1] === 0x34 ? 'P4' : buf[1] === 0x35 ? 'P5' : 'P6';
  let i = 2;
  const fields: number[] = [];
  const want = magic === 'P4' ? 2 : 3;
  const limit = Math.min(buf.length, 4096);
  while (fields.length < want) {
    // Whitespace and comments between the numbers.
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
  const maxval = magic === 'P4' ? 1 : fields[2]!;
  if (width < 1 || height < 1) throw new StationError('IMAGE_CORRUPT', `PNM has no pixels (${width}×${height})`);
  if (maxval < 1 || maxval > 65535) throw new StationError('IMAGE_CORRUPT', `PNM maxval ${maxval} out of range`);
  return { magic, width, height, maxval, headerBytes: i, expectedBytes: i + dataBytes(magic, width, height, maxval) };
}

/** The header at the start of `buf` (the first few hundred bytes suffice); null when it is not a PNM header. */
export function parsePnmHeader(buf: Uint8Array): PnmHeader | null {
  try {
    return readPnmHeader(buf);
  } catch {
    return null;
  }
}

export type PnmCheck = { ok: true; header: PnmHeader; size: number } | { ok: false; reason: string; size: number };

/** Checks a finished page file: a PNM header and exactly the pixel bytes it announces (no torn or short image). */
export function checkPnmFile(path: string): PnmCheck {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const head = Buffer.alloc(Math.min(512, size));
    readSync(fd, head, 0, head.length, 0);
    const header = parsePnmHeader(head);
    if (!header) return { ok: false, reason: 'not a PNM image (bad header)', size };
    if (size < header.expectedBytes) return { ok: false, reason: `image stops early: ${size} of ${header.expectedBytes} bytes`, size };
    if (size > header.expectedBytes) return { ok: false, reason: `image has ${size - header.expectedBytes} bytes too many`, size };
    return { ok: true, header, size };
  } finally {
    closeSync(fd);
  }
}

/** Decoded samples: 8-bit grey (1 channel) or RGB (3), rows top to bottom. */
export interface PnmPixels {
  width: number;
  height: number;
  channels: 1 | 3;
  data: Buffer;
  /** True for P4: every sample is 0 or 255. */
  bitonal: boolean;
}

/**
 * Decodes a binary PNM into 8-bit samples. Checks the declared size against `maxPixels` before allocating
 * anything (IMAGE_TOO_LARGE) and refuses a file shorter than its header promises (IMAGE_CORRUPT).
 * 16-bit samples (maxval > 255, big-endian) and maxvals below 255 are rescaled to 0..255.
 */
export function decodePnm(buf: Uint8Array, maxPixels: number): PnmPixels {
  const h = readPnmHeader(buf);
  if (h.width * h.height > maxPixels) {
    throw new StationError('IMAGE_TOO_LARGE', `PNM declares ${h.width}×${h.height} pixels, above the limit of ${maxPixels}`, { width: h.width, height: h.height, maxPixels });
  }
  const need = h.expectedBytes - h.headerBytes;
  if (buf.length - h.headerBytes < need) {
    throw new StationError('IMAGE_CORRUPT', `PNM is truncated: ${buf.length - h.headerBytes} of ${need} pixel bytes`, { have: buf.length - h.headerBytes, need });
  }
  const { width, height } = h;
  if (h.magic === 'P4') {
    const stride = Math.ceil(width / 8);
    const out = Buffer.allocUnsafe(width * height);
    let o = 0;
    for (let y = 0; y < height; y++) {
      const row = h.headerBytes + y * stride;
      for (let x = 0; x < width; x++) {
        // P4: 1 = black
        out[o++] = (buf[row + (x >> 3)]! >> (7 - (x & 7))) & 1 ? 0 : 255;
      }
    }
    return { width, height, channels: 1, data: out, bitonal: true };
  }
  const channels = h.magic === 'P6' ? 3 : 1;
  const samples = width * height * channels;
  const src = buf.subarray(h.headerBytes, h.headerBytes + need);
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
  return { width, height, channels, data, bitonal: false };
}

/**
 * Writes decoded pixels (1 channel = P5 grey, 3 = P6 colour, 8-bit) as `<file>.part`, fsyncs it and renames it
 * to `file`: a spool file under its final name is always whole (as scanimage's --batch leaves them).
 */
export function writePnmFile(file: string, width: number, height: number, channels: 1 | 3, pixels: Buffer): PnmHeader {
  const head = Buffer.from(`${channels === 3 ? 'P6' : 'P5'}\n${width} ${height}\n255\n`, 'latin1');
  if (pixels.length !== width * height * channels) throw new Error(`pixel buffer holds ${pixels.length} bytes, not ${width}×${height}×${channels}`);
  const part = `${file}.part`;
  const fd = openSync(part, 'w', 0o600);
  try {
    writeSync(fd, head);
    writeSync(fd, pixels);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(part, file);
  return readPnmHeader(head);
}
