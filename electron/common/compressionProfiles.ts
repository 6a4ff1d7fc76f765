import { z } from 'zod';
import { StationError } from './errors';

/**
 * Compression profiles: how a page's pixels become PDF image streams. Legal floor (NĐ 30/2020 Annex I,
 * TT 01/2023): colour, ≥ 200 dpi, 100 % scale — so colour profiles never downsample the page below its scan
 * resolution (MRC lowers only the *background* layer; the text mask stays at full resolution).
 * Bitonal output is allowed only where the province allows it for plain black-on-white text (`allowsBitonal`).
 * Shared by imaging (the per-page analysis decides by them), the PDF encoder, the API schema and the CLI.
 */
export const compressionProfileSchema = z.enum(['color-auto', 'color', 'color-hq', 'mrc', 'gray', 'bitonal']);
export type ProfileId = z.infer<typeof compressionProfileSchema>;

export interface CompressionProfile {
  id: ProfileId;
  label: string;
  /** How pixels are coded. */
  /** `auto`: per page, MRC for text/line-art colour pages, JPEG (this profile's quality) for photos/shaded pages. */
  method: 'auto' | 'jpeg' | 'mrc' | 'g4';
  /** Colour model of the output (NĐ 30/2020 requires colour; gray/bitonal are per-document-type exceptions). */
  output: 'color' | 'gray' | 'bw';
  /** JPEG quality of the page (jpeg) or the background layer (mrc). */
  jpegQuality: number;
  /** mozjpeg (trellis, 7–12× slower): only for small images — the MRC background. */
  mozjpeg: boolean;
  /** MRC: background resolution as a fraction of the scan resolution. */
  backgroundScale: number;
  /** Whether a colour/gray page may be thresholded to 1 bit (CCITT G4). */
  allowsBitonal: boolean;
  /** Meets the colour rule of NĐ 30/2020 for any original. */
  compliantForColourOriginals: boolean;
  /** Target size of one A4 page at 200 dpi, bytes (measured by `npm run bench`). */
  targetBytesPerA4: number;
}

export const PROFILES: Readonly<Record<ProfileId, CompressionProfile>> = {
  'color-auto': {
    id: 'color-auto',
    label: 'Màu, tự chọn MRC/JPEG theo trang (mặc định) / colour, MRC or JPEG per page (default)',
    method: 'auto',
    output: 'color',
    jpegQuality: 60,
    mozjpeg: false,
    backgroundScale: 1 / 3,
    allowsBitonal: false,
    compliantForColourOriginals: true,
    targetBytesPerA4: 120_000,
  },
  color: {
    id: 'color',
    label: 'Màu, JPEG / colour JPEG',
    method: 'jpeg',
    output: 'color',
    jpegQuality: 60,
    mozjpeg: false,
    backgroundScale: 1,
    allowsBitonal: false,
    compliantForColourOriginals: true,
    targetBytesPerA4: 350_000,
  },
  'color-hq': {
    id: 'color-hq',
    label: 'Màu, chất lượng cao / colour JPEG, high quality (photos)',
    method: 'jpeg',
    output: 'color',
    jpegQuality: 80,
    mozjpeg: false,
    backgroundScale: 1,
    allowsBitonal: false,
    compliantForColourOriginals: true,
    targetBytesPerA4: 650_000,
  },
  mrc: {
    id: 'mrc',
    label: 'Màu, nén lớp (MRC: chữ G4 + nền JPEG) / colour mixed raster (text pages with seals)',
    method: 'mrc',
    output: 'color',
    jpegQuality: 50,
    mozjpeg: true,
    backgroundScale: 1 / 3,
    allowsBitonal: false,
    compliantForColourOriginals: true,
    targetBytesPerA4: 120_000,
  },
  gray: {
    id: 'gray',
    label: 'Xám, JPEG / grayscale JPEG',
    method: 'jpeg',
    output: 'gray',
    jpegQuality: 60,
    mozjpeg: false,
    backgroundScale: 1,
    allowsBitonal: false,
    compliantForColourOriginals: false,
    targetBytesPerA4: 300_000,
  },
  bitonal: {
    id: 'bitonal',
    label: 'Đen trắng, CCITT G4 (chỉ khi tỉnh cho phép) / bitonal G4 (only where allowed)',
    method: 'g4',
    output: 'bw',
    jpegQuality: 0,
    mozjpeg: false,
    backgroundScale: 1,
    allowsBitonal: true,
    compliantForColourOriginals: false,
    targetBytesPerA4: 60_000,
  },
};

export const PROFILE_IDS: readonly ProfileId[] = compressionProfileSchema.options;
export const DEFAULT_PROFILE: ProfileId = 'color-auto';

export function getProfile(id: string): CompressionProfile {
  const p = (PROFILES as Record<string, CompressionProfile>)[id];
  if (!p) throw new StationError('INVALID_PROFILE', `unknown compression profile '${id}' (known: ${PROFILE_IDS.join(', ')})`, { profile: id });
  return p;
}
