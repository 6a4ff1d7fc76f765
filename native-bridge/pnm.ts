import { closeSync, fstatSync, fsyncSync, openSync, readSync, renameSync, writeSync } from 'node:fs';

/** A PNM header (what SANE's scanimage writes: P4 bitonal, P5 grey, P6 colour). */
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

/** Parses the header at the start of `buf` (needs the first ~100 bytes); null when it is not a PNM header. */
export function parsePnmHeader(buf: Buffer): PnmHeader | null {
  const text = buf.subarray(0, Math.min(buf.length, 512)).toString('latin1');
  const m = /^(P[456])\s+(?:#[^\n]*\n\s*)*(\d+)\s+(?:#[^\n]*\n\s*)*(\d+)\s/.exec(text);
  if (!m) return null;
  const magic = m[1] as PnmHeader['magic'];
  const width = Number(m[2]);
  const height = Number(m[3]);
  let headerBytes = m[0].length;
  let maxval = 1;
  if (magic !== 'P4') {
    const mv = /^\s*(?:#[^\n]*\n\s*)*(\d+)\s/.exec(text.slice(headerBytes));
    if (!mv) return null;
    maxval = Number(mv[1]);
    headerBytes += mv[0].length;
  }
  if (!Number.isSafeInteger(width) || !Number.isSafeInteger(height) || width <= 0 || height <= 0 || maxval <= 0 || maxval > 65535) return null;
  const sample = maxval > 255 ? 2 : 1;
  const rowBytes = magic === 'P4' ? Math.ceil(width / 8) : width * (magic === 'P6' ? 3 : 1) * sample;
  return { magic, width, height, maxval, headerBytes, expectedBytes: headerBytes + rowBytes * height };
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

export const PNM_MEDIA_TYPE = 'image/x-portable-anymap';

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
  return parsePnmHeader(head)!;
}
