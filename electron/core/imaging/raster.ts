/**
 * A decoded page: 8-bit samples, row-major, interleaved (1 = gray, 3 = RGB). Every input format (PNM from
 * SANE, PNG, JPEG, TIFF) is turned into this before analysis and encoding.
 */
export interface RasterImage {
  width: number;
  height: number;
  channels: 1 | 3;
  data: Buffer;
  /** Dots per inch from the file (PNG pHYs, JPEG JFIF/EXIF, TIFF resolution); null when the file says nothing. */
  dpi: number | null;
  /** True when the source was 1 bit per pixel (PNM P4, bilevel TIFF/PNG): every sample is 0 or 255. */
  bitonal: boolean;
}

export type PixelType = 'color' | 'gray' | 'bw';

export function pixelTypeOf(img: RasterImage): PixelType {
  if (img.bitonal) return 'bw';
  return img.channels === 3 ? 'color' : 'gray';
}

/** Default ceiling on decoded pixels: A3 at 600 dpi (7016 × 9921 ≈ 69.6 MP) fits; a decompression bomb does not. */
export const DEFAULT_MAX_PIXELS = 72_000_000;
