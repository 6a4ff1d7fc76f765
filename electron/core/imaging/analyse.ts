import { getProfile, type CompressionProfile, type ProfileId } from '../../common/compressionProfiles';
import { BLANK_INK_FRACTION, BLANK_MAX_BLOCKS, detectBlank, inkStructure, type BlankResult } from './blank';
import { checkCompliance, type ComplianceIssue } from './compliance';
import { decodeImage } from './decode';
import { exposureIssues, LOW_CONTRAST, type ExposureIssue } from './exposure';
import { grayCopy, type GrayImage } from './gray';
import { lineDirection } from './lineDirection';
import { ocrOrientation } from './ocrOrientation';
import { detectOrientation, type OrientationReason, type OrientationResult } from './orientation';
import { pixelTypeOf, type PixelType, type RasterImage } from './raster';

/**
 * Resolution of the gray copy all estimates run on: ≈ 7 ms to make from an A4 200 dpi colour page, ≈ 15 ms
 * for blank + orientation + skew (deskew stays within ±0.04° thanks to jittered ink points; see deskew.ts).
 */
export const ANALYSIS_DPI = 100;
/** Below this the page is left as is (scanner ADFs skew ≈ 0.1–3°; ±0.1° is the stated accuracy). */
export const MIN_CORRECTED_SKEW = 0.1;

export interface PageAnalysis {
  /** 0 content … 1 blank; > 0.5 ⇔ blankFlag 'flagged'. */
  blankScore: number;
  /** 'flagged' asks the clerk to confirm; a page is never dropped here. A dark page is never flagged blank. */
  blankFlag: 'none' | 'flagged';
  /** Scan quality problems worth a rescan (error codes with clerk text: PAGE_TOO_DARK). */
  quality: ExposureIssue[];
  /** Residual tilt after `rotation`, degrees clockwise; 0 when no text lines were found. */
  skewDeg: number;
  /** Clockwise rotation that makes a text page upright; non-zero only on strong evidence (0 for non-text pages). */
  rotation: 0 | 90 | 180 | 270;
  /** Why `rotation` is not 0 (shown to the clerk with the turned page); null when the page stays as it came. */
  rotationReason: OrientationReason | null;
  textPage: boolean;
  orientationConfidence: number;
  compliant: boolean;
  issues: ComplianceIssue[];
  pixelType: PixelType;
  dpi: number | null;
  width: number;
  height: number;
}

export interface AnalyseOptions {
  /** Resolution when the image does not carry one (SANE PNM: from the scan profile / page row). */
  dpi?: number;
  scalePercent?: number;
  /**
   * 'ocr' (default): when the lines run one clear way but their shapes do not tell up from down, tesseract
   * reads the page both ways as a second opinion (≈ 1–3 s, only on such pages). 'off': the cheap estimate
   * alone (such pages stay as they came).
   */
  orientationCheck?: 'ocr' | 'off';
}

/** Analyses a decoded page: blank score, orientation, skew, compliance. Estimates on a 100 dpi gray copy. */
export async function analyseImage(img: RasterImage, profile: ProfileId | CompressionProfile, opts: AnalyseOptions = {}): Promise<PageAnalysis> {
  const prof = typeof profile === 'string' ? getProfile(profile) : profile;
  const dpi = img.dpi ?? opts.dpi ?? null;
  const g = await grayCopy(img, ANALYSIS_DPI, dpi ?? 200);
  const b = detectBlank(g);
  const quality = exposureIssues({ paperLevel: b.paperLevel, contrast: b.contrast, writing: b.contrast < LOW_CONTRAST && faintWriting(g, b) });
  // A dark or faint scan is a bad scan of a page, not an empty page: its own issue, never "possibly blank".
  const blank = quality.length > 0 ? { ...b, blank: false, score: Math.min(b.score, 0.5) } : b;
  const cheap = blank.blank ? null : detectOrientation(g);
  const o = cheap?.undecided && opts.orientationCheck !== 'off' ? await withSecondOpinion(img, cheap, cheap.undecided.base) : cheap;
  const skew = o && o.textPage && Math.abs(o.skewDeg) >= MIN_CORRECTED_SKEW ? o.skewDeg : 0;
  const pixelType = pixelTypeOf(img);
  const c = checkCompliance({ dpi, pixelType, profile: prof, ...(opts.scalePercent === undefined ? {} : { scalePercent: opts.scalePercent }) });
  return {
    blankScore: blank.score,
    blankFlag: blank.blank ? 'flagged' : 'none',
    quality,
    skewDeg: skew,
    rotation: o?.textPage ? o.rotation : 0,
    rotationReason: o?.textPage ? o.reason : null,
    textPage: o?.textPage ?? false,
    orientationConfidence: o?.confidence ?? 0,
    compliant: c.compliant,
    issues: c.issues,
    pixelType,
    dpi,
    width: img.width,
    height: img.height,
  };
}

/** Ink within `FAINT_INK_DEPTH` of the paper forms lines of writing (not dust, paper fibres or a lone speck). */
const FAINT_INK_DEPTH = 45;
function faintWriting(g: GrayImage, b: BlankResult): boolean {
  const s = inkStructure(g, b.region, b.paperLevel - FAINT_INK_DEPTH);
  return s.inkedBlocks >= BLANK_MAX_BLOCKS && s.inkFraction >= BLANK_INK_FRACTION && lineDirection(g).direction !== null;
}

/**
 * The cheap estimate completed by tesseract's reading (ocrOrientation) on an undecided page. A page turned on
 * that evidence counts as a text page (tesseract read words on it) with the reading margin as confidence.
 * A reading that keeps the page as it came changes nothing.
 */
async function withSecondOpinion(img: RasterImage, o: OrientationResult, base: 0 | 90): Promise<OrientationResult> {
  const second = await ocrOrientation(img, base, o.votes);
  if (!second || second.rotation === null || second.rotation === 0) return o;
  const reason: OrientationReason = second.rotation === 180 ? 'text_upside_down' : 'text_sideways';
  // The skew stays only where the cheap estimate saw text lines sharp enough to measure it.
  return { ...o, rotation: second.rotation, reason, textPage: true, confidence: Math.max(second.confidence, o.confidence), skewDeg: o.textPage ? o.skewDeg : 0 };
}

/** Decodes and analyses raw page bytes (what the capture engine stores): the per-page entry point. */
export async function analysePage(buffer: Uint8Array, mediaType: string | undefined, profile: ProfileId | CompressionProfile, opts: AnalyseOptions = {}): Promise<PageAnalysis> {
  const img = await decodeImage(buffer, { ...(mediaType ? { mediaType } : {}), ...(opts.dpi ? { dpiHint: opts.dpi } : {}) });
  return analyseImage(img, profile, opts);
}
