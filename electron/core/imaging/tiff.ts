import { StationError } from '../../common/errors';
import { isTiff } from '../../common/fileType';

export interface TiffIfd {
  width: number;
  height: number;
  compression: number;
  bitsPerSample: number;
  samplesPerPixel: number;
  photometric: number;
  stripOffsets: number[];
  stripByteCounts: number[];
  /** Pixels per inch when the file states a resolution (unit inch or cm). */
  dpi: number | null;
}

/**
 * TIFF compressions the station decodes (through sharp/libtiff): none, CCITT RLE/G3/G4, LZW, JPEG,
 * Deflate, PackBits. Anything else (old-style JPEG 6, JPEG 2000, JBIG, vendor codes) is IMAGE_UNSUPPORTED:
 * refused up front with a clear code rather than whatever libtiff would say.
 */
export const SUPPORTED_TIFF_COMPRESSIONS: ReadonlyMap<number, string> = new Map([
  [1, 'none'],
  [2, 'CCITT RLE'],
  [3, 'CCITT G3'],
  [4, 'CCITT G4'],
  [5, 'LZW'],
  [7, 'JPEG'],
  [8, 'Deflate'],
  [32946, 'Deflate'],
  [32773, 'PackBits'],
]);

const TYPE_SIZE: Record<number, number> = { 1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8 };

/** Reads the image file directories of a classic TIFF (tags the station needs only). At most `maxPages`. */
export function readTiffIfds(buf: Uint8Array, maxPages = 10_000): TiffIfd[] {
  if (!isTiff(buf)) throw new StationError('IMAGE_UNSUPPORTED', 'not a classic TIFF');
  const le = buf[0] === 0x49;
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const u16 = (o: number): number => {
    if (o + 2 > buf.length) throw new StationError('IMAGE_CORRUPT', 'TIFF is truncated (directory)');
    return dv.getUint16(o, le);
  };
  const u32 = (o: number): number => {
    if (o + 4 > buf.length) throw new StationError('IMAGE_CORRUPT', 'TIFF is truncated (directory)');
    return dv.getUint32(o, le);
  };
  const ifds: TiffIfd[] = [];
  const seen = new Set<number>();
  let off = u32(4);
  while (off !== 0) {
    if (seen.has(off)) throw new StationError('IMAGE_CORRUPT', 'TIFF directory chain loops');
    if (ifds.length >= maxPages) throw new StationError('IMAGE_TOO_LARGE', `TIFF has more than ${maxPages} pages`, { maxPages });
    seen.add(off);
    const n = u16(off);
    const tags = new Map<number, number[]>();
    for (let k = 0; k < n; k++) {
      const e = off + 2 + k * 12;
      const tag = u16(e);
      const type = u16(e + 2);
      const count = u32(e + 4);
      const size = TYPE_SIZE[type] ?? 0;
      if (size === 0 || ![256, 257, 258, 259, 262, 273, 277, 279, 282, 283, 296].includes(tag)) continue;
      if (count > 1_000_000) throw new StationError('IMAGE_CORRUPT', `TIFF tag ${tag} has an absurd count`);
      const inline = size * count <= 4;
      const base = inline ? e + 8 : u32(e + 8);
      const values: number[] = [];
      for (let j = 0; j < count; j++) {
        const p = base + j * size;
        if (type === 3 || type === 8) values.push(u16(p));
        else if (type === 4 || type === 9) values.push(u32(p));
        else if (type === 5 || type === 10) {
          const den = u32(p + 4);
          values.push(den === 0 ? 0 : u32(p) / den);
        } else values.push(buf[p] ?? 0);
      }
      tags.set(tag, values);
    }
    const first = (t: number, d: number): number => tags.get(t)?.[0] ?? d;
    const unit = first(296, 2);
    const xres = first(282, 0);
    const dpi = xres > 0 && unit !== 1 ? Math.round(unit === 3 ? xres * 2.54 : xres) : null;
    ifds.push({
      width: first(256, 0),
      height: first(257, 0),
      compression: first(259, 1),
      bitsPerSample: first(258, 1),
      samplesPerPixel: first(277, 1),
      photometric: first(262, 0),
      stripOffsets: tags.get(273) ?? [],
      stripByteCounts: tags.get(279) ?? [],
      dpi,
    });
    off = u32(off + 2 + n * 12);
  }
  return ifds;
}

/** Refuses a TIFF with a compression outside SUPPORTED_TIFF_COMPRESSIONS (IMAGE_UNSUPPORTED, code in details). */
export function checkTiffCompressions(ifds: TiffIfd[]): void {
  ifds.forEach((ifd, page) => {
    if (!SUPPORTED_TIFF_COMPRESSIONS.has(ifd.compression)) {
      throw new StationError('IMAGE_UNSUPPORTED', `TIFF page ${page + 1} uses compression ${ifd.compression}, which the station does not decode`, {
        page: page + 1,
        compression: ifd.compression,
      });
    }
  });
}

/** The single strip of a one-strip TIFF (e.g. sharp's CCITT G4 output), as a view into `buf`. */
export function singleStrip(buf: Uint8Array, ifd: TiffIfd): Buffer {
  if (ifd.stripOffsets.length !== 1 || ifd.stripByteCounts.length !== 1) {
    throw new StationError('INTERNAL', `expected one TIFF strip, found ${ifd.stripOffsets.length}`);
  }
  const start = ifd.stripOffsets[0]!;
  const len = ifd.stripByteCounts[0]!;
  if (start + len > buf.length) throw new StationError('IMAGE_CORRUPT', 'TIFF strip runs past the end of the file');
  return Buffer.from(buf.buffer, buf.byteOffset + start, len);
}
