import sharp from 'sharp';
import type { RasterImage } from './raster';

/** A small gray copy of a page, for estimates (blank, skew, orientation): never analyse at full resolution. */
export interface GrayImage {
  width: number;
  height: number;
  data: Uint8Array;
  /** Resolution of this copy. */
  dpi: number;
}

/**
 * Gray copy at `targetDpi` (reduced by libvips with a linear kernel; never upsampled). The colour page is
 * reduced first (fewer pixels to convert) and turned into Rec. 601 luma in one pass over the small copy:
 * libvips' own sRGB → B_W conversion goes through linear light and costs more than the reduction itself.
 */
export async function grayCopy(img: RasterImage, targetDpi: number, assumedDpi = 200): Promise<GrayImage> {
  const dpi = img.dpi ?? assumedDpi;
  const scale = Math.min(1, targetDpi / dpi);
  const width = Math.max(1, Math.round(img.width * scale));
  const height = Math.max(1, Math.round(img.height * scale));
  let small: { data: Buffer; info: { width: number; height: number; channels: number } };
  if (scale < 1) {
    small = await sharp(img.data, { raw: { width: img.width, height: img.height, channels: img.channels } })
      .resize(width, height, { fit: 'fill', kernel: 'linear' })
      .raw()
      .toBuffer({ resolveWithObject: true });
  } else {
    small = { data: img.data, info: { width: img.width, height: img.height, channels: img.channels } };
  }
  const { info } = small;
  return { width: info.width, height: info.height, data: lumaOf(small.data, info.channels, info.width * info.height), dpi: dpi * (info.width / img.width) };
}

/** Rec. 601 luma (integer weights 77/150/29 ÷ 256) of interleaved samples; a 1-band image is returned as is. */
export function lumaOf(data: Buffer, channels: number, pixels: number): Uint8Array {
  if (channels === 1) return new Uint8Array(data.buffer, data.byteOffset, pixels);
  if (channels === 2) return firstBand(data, channels, pixels);
  const out = new Uint8Array(pixels);
  for (let i = 0, j = 0; i < pixels; i++, j += channels) out[i] = (data[j]! * 77 + data[j + 1]! * 150 + data[j + 2]! * 29) >> 8;
  return out;
}

/** libvips may hand back a 1-band image as 3 bands (interpretation lost on raw input): keep band 0. */
export function firstBand(data: Buffer, channels: number, pixels: number): Uint8Array {
  if (channels === 1) return new Uint8Array(data.buffer, data.byteOffset, pixels);
  const out = new Uint8Array(pixels);
  for (let i = 0, j = 0; i < pixels; i++, j += channels) out[i] = data[j]!;
  return out;
}

/** The p-th percentile (0..1) of gray levels. */
export function percentile(g: GrayImage, p: number, region?: { x0: number; y0: number; x1: number; y1: number }): number {
  const hist = new Uint32Array(256);
  const r = region ?? { x0: 0, y0: 0, x1: g.width, y1: g.height };
  let n = 0;
  // Every other row and column: a 1/4 sample is plenty for a percentile.
  for (let y = r.y0; y < r.y1; y += 2) {
    const row = y * g.width;
    for (let x = r.x0; x < r.x1; x += 2) {
      hist[g.data[row + x]!]!++;
      n++;
    }
  }
  return histogramPercentile(hist, n, p);
}

/** The level below which fraction `p` of the `total` counted pixels of an 8-bit histogram lie (255 if never). */
export function histogramPercentile(hist: Uint32Array, total: number, p: number): number {
  let acc = 0;
  for (let v = 0; v < 256; v++) {
    acc += hist[v]!;
    if (acc >= total * p) return v;
  }
  return 255;
}
