import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';

/**
 * WIA hands pages over as uncompressed Windows bitmaps (wiaFormatBMP); the station's spool holds PNM (what
 * crash recovery checks). Converts BI_RGB bitmaps of 1, 8, 24 or 32 bits per pixel, bottom-up or top-down:
 * 8-bit with a grey palette becomes P5, 1-bit P4, everything else P6. Anything else is refused, never guessed.
 */
export function bmpToPnm(bmp: Buffer): Buffer {
  if (bmp.length < 54 || bmp.toString('latin1', 0, 2) !== 'BM') throw new Error('not a BMP file');
  const dataOffset = bmp.readUInt32LE(10);
  const headerSize = bmp.readUInt32LE(14);
  const width = bmp.readInt32LE(18);
  const rawHeight = bmp.readInt32LE(22);
  const bpp = bmp.readUInt16LE(28);
  const compression = bmp.readUInt32LE(30);
  if (headerSize < 40 || width <= 0 || rawHeight === 0) throw new Error('BMP header is damaged');
  if (compression !== 0 && !(compression === 3 && bpp === 32)) throw new Error(`compressed BMP (method ${compression}) is not supported`);
  if (![1, 8, 24, 32].includes(bpp)) throw new Error(`BMP with ${bpp} bits per pixel is not supported`);
  const height = Math.abs(rawHeight);
  const stride = Math.ceil((width * bpp) / 32) * 4;
  if (dataOffset + stride * height > bmp.length) throw new Error(`BMP stops early: ${bmp.length} of ${dataOffset + stride * height} bytes`);
  const colours = bpp <= 8 ? bmp.readUInt32LE(46) || 1 << bpp : 0;
  const palette = (i: number): [number, number, number] => {
    const o = 14 + headerSize + 4 * i;
    return [bmp[o + 2]!, bmp[o + 1]!, bmp[o]!];
  };
  const rowAt = (y: number): number => dataOffset + stride * (rawHeight > 0 ? height - 1 - y : y);
  const grey = bpp === 8 && Array.from({ length: Math.min(colours, 256) }, (_, i) => palette(i)).every(([r, g, b]) => r === g && g === b);
  if (bpp === 1) {
    const black = palette(0)[0] < 128 ? 0 : 1;
    const rowBytes = Math.ceil(width / 8);
    const out = Buffer.alloc(rowBytes * height);
    for (let y = 0; y < height; y++) {
      const src = rowAt(y);
      for (let i = 0; i < rowBytes; i++) out[y * rowBytes + i] = black === 0 ? ~bmp[src + i]! & 0xff : bmp[src + i]!;
      const pad = rowBytes * 8 - width;
      if (pad > 0) out[y * rowBytes + rowBytes - 1]! &= (0xff << pad) & 0xff;
    }
    return Buffer.concat([Buffer.from(`P4\n${width} ${height}\n`, 'latin1'), out]);
  }
  if (grey) {
    const out = Buffer.alloc(width * height);
    for (let y = 0; y < height; y++) {
      const src = rowAt(y);
      for (let x = 0; x < width; x++) out[y * width + x] = palette(bmp[src + x]!)[0];
    }
    return Buffer.concat([Buffer.from(`P5\n${width} ${height}\n255\n`, 'latin1'), out]);
  }
  const out = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    const src = rowAt(y);
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 3;
      if (bpp === 8) {
        const [r, g, b] = palette(bmp[src + x]!);
        out[o] = r;
        out[o + 1] = g;
        out[o + 2] = b;
      } else {
        const p = src + x * (bpp / 8);
        out[o] = bmp[p + 2]!;
        out[o + 1] = bmp[p + 1]!;
        out[o + 2] = bmp[p]!;
      }
    }
  }
  return Buffer.concat([Buffer.from(`P6\n${width} ${height}\n255\n`, 'latin1'), out]);
}

/** Converts `bmpFile` into `pnmFile` (temp name, then rename) and removes the bitmap. */
export function convertBmpFile(bmpFile: string, pnmFile: string): void {
  const pnm = bmpToPnm(readFileSync(bmpFile));
  writeFileSync(`${pnmFile}.part`, pnm);
  renameSync(`${pnmFile}.part`, pnmFile);
  rmSync(bmpFile, { force: true });
}
