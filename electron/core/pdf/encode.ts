import sharp, { type Sharp } from 'sharp';
import { StationError } from '../../common/errors';
import { sharpError } from '../imaging/decode';
import { removeIsolatedSpecks } from '../imaging/despeckle';
import { histogramPercentile } from '../imaging/gray';
import type { RasterImage } from '../imaging/raster';
import { readTiffIfds, singleStrip } from '../imaging/tiff';
import { jbig2GenericStream } from './jbig2/genericRegion';
import { PROFILES, getProfile, type CompressionProfile, type ProfileId } from '../../common/compressionProfiles';
import type { OcrPageText } from './ocr';

/** One image XObject, already in its PDF filter's format (no re-encoding in the writer). */
export interface EncodedImage {
  filter: 'DCTDecode' | 'CCITTFaxDecode' | 'JBIG2Decode';
  width: number;
  height: number;
  /** DeviceRGB/DeviceGray for JPEG, DeviceGray 1-bit for G4 images; null for a stencil mask. */
  colorSpace: 'DeviceRGB' | 'DeviceGray' | null;
  bitsPerComponent: 8 | 1;
  data: Buffer;
}

/**
 * A page ready for the writer: a full-page image (JPEG or JBIG2), optionally overlaid by a JBIG2 stencil mask
 * painted in one colour (MRC text layer — no soft masks: PDF/A-1 forbids them).
 */
export interface EncodedPage {
  /** Pixel size of the full-resolution page and its resolution: the media box is px / dpi × 72 pt (100 % scale). */
  widthPx: number;
  heightPx: number;
  dpi: number;
  background: EncodedImage;
  mask?: { image: EncodedImage; fill: [number, number, number] };
  profile: ProfileId;
  /** How this page was coded: the adaptive profile (`color-auto`) picks MRC or JPEG per page. */
  method: 'jpeg' | 'mrc' | 'g4';
  /** Image bytes of the page (all layers). */
  bytes: number;
  /** Recognised words for the invisible text layer (OCR), in pixels of this page. */
  text?: OcrPageText;
}

export interface EncodeOptions {
  /** Resolution when the image carries none (required then). */
  dpi?: number;
}

function rawInput(img: RasterImage): Sharp {
  return sharp(img.data, { raw: { width: img.width, height: img.height, channels: img.channels } });
}

async function jpeg(img: RasterImage, quality: number, mozjpeg: boolean, gray: boolean): Promise<EncodedImage> {
  const channels = gray || img.channels === 1 ? 1 : 3;
  // Always name the output colourspace: libvips writes a raw 1-band input as a 3-component (YCbCr) JPEG,
  // which under /DeviceGray renders as interleaved double text in poppler and Ghostscript.
  const pipe = rawInput(img).toColourspace(channels === 1 ? 'b-w' : 'srgb');
  const data = await pipe
    .jpeg({ quality, mozjpeg, chromaSubsampling: '4:2:0', optimiseCoding: true, progressive: false })
    .toBuffer();
  return { filter: 'DCTDecode', width: img.width, height: img.height, colorSpace: channels === 1 ? 'DeviceGray' : 'DeviceRGB', bitsPerComponent: 8, data };
}

/**
 * CCITT G4 of a 1-channel image (threshold at 128), via sharp's TIFF writer in one strip; returns the raw
 * G4 stream (white = 0 bits, so PDF's /BlackIs1 false holds).
 */
export async function g4Stream(gray: Buffer, width: number, height: number): Promise<Buffer> {
  const tiff = await sharp(gray, { raw: { width, height, channels: 1 } })
    .toColourspace('b-w')
    .tiff({ compression: 'ccittfax4', bitdepth: 1, miniswhite: true, tile: false, tileHeight: height })
    .toBuffer();
  const ifd = readTiffIfds(tiff)[0];
  if (!ifd || ifd.compression !== 4) throw new StationError('INTERNAL', 'sharp did not write a CCITT G4 TIFF');
  return Buffer.from(singleStrip(tiff, ifd));
}

/** Ink is darker than paper − this: thin strokes and tone marks (ả, ệ, ộ) are lighter than 128 on a 200 dpi scan. */
const BITONAL_INK_BELOW_PAPER = 60;

/**
 * 1-bit version of a gray page relative to its paper (90th percentile of a 1/16 sample): a fixed cut at 128
 * dropped the light, anti-aliased parts of Vietnamese tone marks (tesseract vie recall 97–98 % → 99.7 %
 * with paper − 60 on the benchmark pages). Returns 0/255 samples.
 */
export function thresholdToPaper(gray: Buffer): Buffer {
  const hist = new Uint32Array(256);
  for (let i = 0; i < gray.length; i += 16) hist[gray[i]!]!++;
  const paper = histogramPercentile(hist, Math.ceil(gray.length / 16), 0.9);
  const t = Math.max(64, Math.min(200, paper - BITONAL_INK_BELOW_PAPER));
  const out = Buffer.allocUnsafe(gray.length);
  for (let i = 0; i < gray.length; i++) out[i] = gray[i]! >= t ? 255 : 0;
  return out;
}

/**
 * A bitonal page as lossless JBIG2 (generic region, jbig2/genericRegion.ts): ≈ 30–50 % smaller than CCITT G4
 * for the same pixels. An already-bitonal source keeps its pixels (no threshold); isolated scanner specks
 * are removed from every page first (imaging/despeckle.ts).
 */
async function bitonalImage(img: RasterImage): Promise<EncodedImage> {
  let gray = img.data;
  if (img.channels === 3) gray = await rawInput(img).toColourspace('b-w').raw().toBuffer();
  if (!img.bitonal) gray = thresholdToPaper(gray);
  const ink = new Uint8Array(gray.length);
  for (let i = 0; i < gray.length; i++) ink[i] = gray[i]! < 128 ? 1 : 0;
  removeIsolatedSpecks(ink, img.width, img.height);
  const data = jbig2GenericStream(ink, img.width, img.height, img.dpi ?? 0);
  return { filter: 'JBIG2Decode', width: img.width, height: img.height, colorSpace: 'DeviceGray', bitsPerComponent: 1, data };
}

/** The ink of a text page: 20th percentile of the sampled (1/16) luma darker than `below` (stroke cores, not their anti-aliased rims); `below` if none. */
function inkLevel(data: Buffer, pixels: number, below: number): number {
  const hist = new Uint32Array(256);
  let count = 0;
  for (let p = 0; p < pixels; p += 16) {
    const o = p * 3;
    const l = (data[o]! * 77 + data[o + 1]! * 150 + data[o + 2]! * 29) >> 8;
    if (l < below) {
      hist[l]!++;
      count++;
    }
  }
  return count === 0 ? below : histogramPercentile(hist, count, 0.2);
}

/** Paper of an RGB page, on a 1/16 sample: level = 90th percentile of luma; colour = mean of the pixels within 10 of it. */
function paperOf(data: Buffer, pixels: number): { level: number; rgb: [number, number, number] } {
  const hist = new Uint32Array(256);
  for (let p = 0; p < pixels; p += 16) {
    const o = p * 3;
    hist[(data[o]! * 77 + data[o + 1]! * 150 + data[o + 2]! * 29) >> 8]!++;
  }
  const level = histogramPercentile(hist, Math.ceil(pixels / 16), 0.9);
  let r = 0;
  let g = 0;
  let b = 0;
  let n = 0;
  for (let p = 0; p < pixels; p += 16) {
    const o = p * 3;
    if ((data[o]! * 77 + data[o + 1]! * 150 + data[o + 2]! * 29) >> 8 >= level - 10) {
      r += data[o]!;
      g += data[o + 1]!;
      b += data[o + 2]!;
      n++;
    }
  }
  return { level, rgb: n > 0 ? [r / n, g / n, b / n] : [255, 255, 255] };
}

/** What the adaptive profile (`color-auto`) saw on a page: shares of a sparse sample of its pixels. */
export interface PageClass {
  kind: 'text' | 'photo';
  /** Near-paper pixels (light, low chroma). */
  paper: number;
  /** Dark, low-chroma pixels (the MRC text mask). */
  ink: number;
  /** Lighter-than-ink pixels next to dark ink: the anti-aliased rims of strokes (part of the text). */
  edge: number;
  /** Saturated pixels (red seals, blue signatures: kept in the MRC background). */
  colour: number;
  /** Everything else: mid-tones that neither paper nor ink explain (photos, shading, ID-card copies). */
  mid: number;
}

/** Above this share of mid-tone pixels (not next to ink) a page is a photo/shaded image, not text (text pages ≈ 0–1.5 %: bleed-through, noise). */
const AUTO_MAX_MID = 0.04;
/** Above this share of saturated pixels (seal + signature ≈ 0.5–3 % of an A4 page) a page is a colour picture. */
const AUTO_MAX_COLOUR = 0.1;
/** Ink core of print and handwriting is darker than this; the lighter stroke edges count as mid-tones (a flat gray block is not text). */
const AUTO_DARK_INK = 110;
/** Paper (90th percentile of luma) darker than this: a picture, not a sheet of paper with text. */
const AUTO_MIN_PAPER = 150;
/** Above this ink share a page is a dark picture, not text (the MRC pass falls back at 30 %). */
const AUTO_MAX_INK = 0.25;

/**
 * Cheap text/line-art vs. photo test on a sparse sample (every 7th pixel: ≈ 0.5 M of an A4 200 dpi page read,
 * < 5 ms): a page the MRC model (paper + dark low-chroma ink + a few saturated marks) explains almost entirely
 * is "text"; a page with many mid-tones (photo, ID-card copy, shading, gradients) is "photo".
 */
export function classifyPage(img: RasterImage): PageClass {
  const { data, width, height, channels } = img;
  const n = width * height;
  const STEP = 7;
  const hist = new Uint32Array(256);
  for (let p = 0; p < n; p += STEP) {
    const o = p * channels;
    hist[channels === 3 ? (data[o]! * 77 + data[o + 1]! * 150 + data[o + 2]! * 29) >> 8 : data[o]!]!++;
  }
  const total = Math.ceil(n / STEP);
  const level = histogramPercentile(hist, total, 0.9);
  const inkBelow = Math.max(40, Math.min(level - BITONAL_INK_BELOW_PAPER, 200));
  const paperFrom = level - 30;
  let paper = 0;
  let ink = 0;
  let colour = 0;
  let mid = 0;
  let edge = 0;
  const lumaAt = (p: number): number => {
    const o = p * channels;
    return channels === 3 ? (data[o]! * 77 + data[o + 1]! * 150 + data[o + 2]! * 29) >> 8 : data[o]!;
  };
  // The anti-aliased rim of a stroke has dark ink within 2 px; a mid-tone inside a photo or a shaded area has not.
  const nearDarkInk = (p: number): boolean => {
    const x = p % width;
    return (
      (x >= 2 && lumaAt(p - 2) < AUTO_DARK_INK) ||
      (x < width - 2 && lumaAt(p + 2) < AUTO_DARK_INK) ||
      (p >= 2 * width && lumaAt(p - 2 * width) < AUTO_DARK_INK) ||
      (p < n - 2 * width && lumaAt(p + 2 * width) < AUTO_DARK_INK)
    );
  };
  for (let p = 0; p < n; p += STEP) {
    const o = p * channels;
    let y: number;
    let c = 0;
    if (channels === 3) {
      const r = data[o]!;
      const g = data[o + 1]!;
      const b = data[o + 2]!;
      y = (r * 77 + g * 150 + b * 29) >> 8;
      const hi = r > g ? (r > b ? r : b) : g > b ? g : b;
      const lo = r < g ? (r < b ? r : b) : g < b ? g : b;
      c = hi - lo;
    } else y = data[o]!;
    if (c >= 80) colour++;
    else if (y >= paperFrom && c < 40) paper++;
    else if (y < inkBelow && y < AUTO_DARK_INK) ink++;
    else if (nearDarkInk(p)) edge++;
    else mid++;
  }
  const share = (x: number): number => x / total;
  const cls = { paper: share(paper), ink: share(ink), edge: share(edge), colour: share(colour), mid: share(mid) };
  // A dark "paper" (a uniformly mid-gray or dark picture) is no paper at all.
  const photo = level < AUTO_MIN_PAPER || cls.mid > AUTO_MAX_MID || cls.colour > AUTO_MAX_COLOUR || cls.ink > AUTO_MAX_INK || cls.paper < 0.5;
  return { kind: photo ? 'photo' : 'text', ...cls };
}

/**
 * Mixed raster content for colour text pages: dark, low-chroma pixels form a full-resolution text mask, coded
 * as lossless JBIG2 (generic region, as bitonal pages: smaller than the CCITT G4 it replaced, same pixels),
 * painted in the text's mean colour; everything else (paper, red seals, photos) goes into a low-resolution
 * JPEG background in which the text pixels are replaced by the paper colour. A page that is mostly "text"
 * by this test (a photo) is not worth a mask: it falls back to plain JPEG.
 *
 * Cost: one JS pass classifies the pixels into the mask (1 = text) and paints the text pixels paper-coloured
 * in a copy of the page (a memcpy; only the few text pixels are written); libvips then reduces + JPEG-codes
 * that background in its thread while this one JBIG2-codes the mask.
 */
async function mrc(img: RasterImage, profile: CompressionProfile): Promise<Pick<EncodedPage, 'background' | 'mask'>> {
  if (img.channels !== 3) {
    const gray = img;
    return { background: await jpeg(gray, profile.jpegQuality + 15, false, true) };
  }
  const { width, height, data } = img;
  const n = width * height;
  const paper = paperOf(data, n);
  // Text = darker than halfway between the ink and the paper, and at least 60 below the paper. A cut closer to
  // the paper (paper − 60 alone) fills the small open curl of dấu hỏi on a scanned page with dark ink: the hook
  // became a blob read as dấu sắc (đổi → đối, thẩm → thấm, đẩy → đây; tests/integration/pdf/toneMarks.test.ts).
  // Faded ink keeps paper − 60: the old fixed cap at 150 left light tone marks in the 1/3-resolution background.
  const ink = inkLevel(data, n, paper.level - BITONAL_INK_BELOW_PAPER);
  const threshold = Math.max(40, Math.min(paper.level - BITONAL_INK_BELOW_PAPER, Math.round((paper.level + ink) / 2), 200));
  const mask = new Uint8Array(n); // 1 = text (JBIG2's black, which a stencil mask paints)
  const bg = Buffer.from(data);
  const [pr, pg, pb] = paper.rgb.map((v) => Math.round(v)) as [number, number, number];
  let inked = 0;
  let sr = 0;
  let sg = 0;
  let sb = 0;
  for (let p = 0, o = 0; p < n; p++, o += 3) {
    const r = data[o]!;
    const g = data[o + 1]!;
    const b = data[o + 2]!;
    if ((r * 77 + g * 150 + b * 29) >> 8 >= threshold) continue;
    const hi = r > g ? (r > b ? r : b) : g > b ? g : b;
    const lo = r < g ? (r < b ? r : b) : g < b ? g : b;
    if (hi - lo >= 80) continue;
    mask[p] = 1;
    bg[o] = pr;
    bg[o + 1] = pg;
    bg[o + 2] = pb;
    inked++;
    sr += r;
    sg += g;
    sb += b;
  }
  if (inked > n * 0.3 || inked === 0) return { background: await jpeg(img, Math.min(95, profile.jpegQuality + 15), false, false) };
  const bw = Math.max(1, Math.round(width * profile.backgroundScale));
  const bh = Math.max(1, Math.round(height * profile.backgroundScale));
  const background = sharp(bg, { raw: { width, height, channels: 3 } })
    .resize(bw, bh, { fit: 'fill', kernel: 'linear' }) // a background: lanczos3 costs more and gains nothing
    .jpeg({ quality: profile.jpegQuality, mozjpeg: profile.mozjpeg, chromaSubsampling: '4:2:0' })
    .toBuffer();
  // A rejection while the mask is being coded is seen by the await below, not reported as unhandled.
  background.catch(() => undefined);
  const maskData = jbig2GenericStream(mask, width, height, img.dpi ?? 0);
  const bgData = await background;
  const fill: [number, number, number] = [sr / inked / 255, sg / inked / 255, sb / inked / 255];
  return {
    background: { filter: 'DCTDecode', width: bw, height: bh, colorSpace: 'DeviceRGB', bitsPerComponent: 8, data: bgData },
    mask: { image: { filter: 'JBIG2Decode', width, height, colorSpace: null, bitsPerComponent: 1, data: maskData }, fill },
  };
}

/**
 * Encodes one (already rotated and deskewed) page with a compression profile. An already-bitonal source
 * (PNM P4, G4 TIFF) is kept as lossless G4 whatever the profile — JPEG would only blur and enlarge it; its
 * compliance is judged by the analysis (pixel type 'bw'), not here. Thresholding colour/gray to 1 bit
 * happens only in profiles with `allowsBitonal`.
 */
export async function encodePage(img: RasterImage, profileId: ProfileId | CompressionProfile, opts: EncodeOptions = {}): Promise<EncodedPage> {
  const profile = typeof profileId === 'string' ? getProfile(profileId) : profileId;
  const dpi = img.dpi ?? opts.dpi;
  if (!dpi || dpi < 1) throw new StationError('INVALID_REQUEST', 'the page has no resolution (dpi): pass one', { profile: profile.id });
  try {
    let layers: Pick<EncodedPage, 'background' | 'mask'>;
    let method: EncodedPage['method'] = img.bitonal || profile.method === 'g4' ? 'g4' : 'jpeg';
    if (img.bitonal || profile.method === 'g4') {
      if (!img.bitonal && !profile.allowsBitonal) throw new StationError('INVALID_PROFILE', `profile ${profile.id} does not allow bitonal output`);
      layers = { background: await bitonalImage(img) };
    } else if (profile.method === 'mrc') {
      layers = await mrc(img, profile);
      if (layers.mask) method = 'mrc';
    } else if (profile.method === 'auto') {
      // Adaptive: text/line-art colour pages as MRC (the `mrc` profile's layers), anything else as plain JPEG.
      const cls = img.channels === 3 ? classifyPage(img) : undefined;
      if (cls?.kind === 'text') {
        layers = await mrc(img, PROFILES.mrc);
        method = layers.mask ? 'mrc' : 'jpeg';
      } else if (img.channels === 1) {
        // A gray scan has no text mask here: its text lives in the JPEG alone, so it gets MRC's gray quality (+15;
        // q60 read back at 33 dB on a real gray book page, q75 at 38–51 dB on real scans).
        layers = { background: await jpeg(img, Math.min(95, profile.jpegQuality + 15), profile.mozjpeg, true) };
      } else layers = { background: await jpeg(img, profile.jpegQuality, profile.mozjpeg, false) };
    } else {
      layers = { background: await jpeg(img, profile.jpegQuality, profile.mozjpeg, profile.output === 'gray') };
    }
    const bytes = layers.background.data.length + (layers.mask?.image.data.length ?? 0);
    return { widthPx: img.width, heightPx: img.height, dpi, ...layers, profile: profile.id, method, bytes };
  } catch (err) {
    throw sharpError(err, `encoding a page (${profile.id})`);
  }
}
