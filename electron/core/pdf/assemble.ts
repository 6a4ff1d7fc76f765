import { analyseImage, type PageAnalysis } from '../imaging/analyse';
import { straighten } from '../imaging/deskew';
import type { OrientationReason } from '../imaging/orientation';
import type { RasterImage } from '../imaging/raster';
import { encodePage, type EncodedPage } from './encode';
import type { PdfMeta } from './metadata';
import { ocrPage, type OcrOptions } from './ocr';
import { getProfile, type ProfileId } from '../../common/compressionProfiles';
import { PdfAWriter, type PdfALevel, type WrittenPdf } from './writer';

/** One page to put into a PDF: how to get its pixels, and what the clerk already decided about it. */
export interface PageSource {
  label: string;
  load(): Promise<RasterImage>;
  /** Resolution if the image carries none (SANE PNM: the page row's dpi). */
  dpi?: number;
  /** Clockwise rotation chosen by the clerk (or stored from an earlier analysis); undefined = detect. */
  rotation?: 0 | 90 | 180 | 270;
  /** Known skew (stored from an earlier analysis); undefined = analyse. */
  skewDeg?: number;
}

export interface PageOutcome {
  label: string;
  /** Fresh analysis of this page, when one ran. */
  analysis: PageAnalysis | null;
  rotation: 0 | 90 | 180 | 270;
  /** Why the analysis turned the page (null: not turned, or turned as the clerk/stored rotation said). */
  rotationReason: OrientationReason | null;
  skewDeg: number;
  bytes: number;
  widthPx: number;
  heightPx: number;
  dpi: number;
}

export interface AssembleOptions {
  profile: ProfileId;
  level?: PdfALevel;
  meta: PdfMeta;
  /** Apply detected 90/180/270° orientation to pages without a rotation (default true). */
  autoOrient?: boolean;
  /** Correct skew (default true). */
  deskew?: boolean;
  /** Pages prepared at once (decode/analyse/encode overlap in libvips threads); output order is kept. Default 2. */
  concurrency?: number;
  onPage?: (index: number, outcome: PageOutcome) => void | Promise<void>;
  /** Adds an invisible text layer read by tesseract in this language (searchable PDF). */
  ocr?: OcrOptions;
}

export interface AssembleResult {
  written: WrittenPdf;
  pages: PageOutcome[];
}

/** Minimum orientation confidence to turn a page on our own. */
export const AUTO_ORIENT_CONFIDENCE = 0.3;

async function preparePage(src: PageSource, opts: AssembleOptions): Promise<{ encoded: EncodedPage; outcome: PageOutcome }> {
  let img = await src.load();
  if (img.dpi === null && src.dpi !== undefined) img = { ...img, dpi: src.dpi };
  const profile = getProfile(opts.profile);
  let analysis: PageAnalysis | null = null;
  if (src.skewDeg === undefined || (src.rotation === undefined && opts.autoOrient !== false)) {
    analysis = await analyseImage(img, profile, src.dpi === undefined ? {} : { dpi: src.dpi });
  }
  let rotation = src.rotation ?? 0;
  let rotationReason: OrientationReason | null = null;
  if (src.rotation === undefined && opts.autoOrient !== false && analysis && analysis.textPage && analysis.orientationConfidence >= AUTO_ORIENT_CONFIDENCE) {
    rotation = analysis.rotation;
    rotationReason = analysis.rotationReason;
  }
  const skewDeg = opts.deskew === false ? 0 : (src.skewDeg ?? analysis?.skewDeg ?? 0);
  const upright = await straighten(img, rotation, skewDeg);
  img = upright; // drop the unrotated copy before encoding
  const text = opts.ocr ? await ocrPage(img, opts.ocr) : undefined; // read upright, so the words land where they are printed
  const encoded = await encodePage(img, profile);
  if (text) encoded.text = text;
  return {
    encoded,
    outcome: { label: src.label, analysis, rotation, rotationReason, skewDeg, bytes: encoded.bytes, widthPx: encoded.widthPx, heightPx: encoded.heightPx, dpi: encoded.dpi },
  };
}

/**
 * Pages → one PDF/A file, streaming: at most `concurrency` pages are in memory at any time, each page's
 * objects are on disk before the next is taken. On any failure the partial file is removed.
 */
export async function assemblePdf(sources: Iterable<PageSource> | AsyncIterable<PageSource>, outPath: string, opts: AssembleOptions): Promise<AssembleResult> {
  getProfile(opts.profile); // INVALID_PROFILE before any file is created
  const writer = await PdfAWriter.open(outPath, opts.meta, { level: opts.level ?? '1b' });
  const outcomes: PageOutcome[] = [];
  const window = Math.max(1, opts.concurrency ?? 2);
  const pending: Promise<{ encoded: EncodedPage; outcome: PageOutcome }>[] = [];
  const flushOne = async (): Promise<void> => {
    const next = pending.shift()!;
    const { encoded, outcome } = await next;
    await writer.addPage(encoded);
    outcomes.push(outcome);
    await opts.onPage?.(outcomes.length - 1, outcome);
  };
  try {
    for await (const src of sources) {
      const p = preparePage(src, opts);
      p.catch(() => undefined); // awaited in order below; avoid an unhandled rejection meanwhile
      pending.push(p);
      if (pending.length >= window) await flushOne();
    }
    while (pending.length > 0) await flushOne();
    const written = await writer.close();
    return { written, pages: outcomes };
  } catch (err) {
    await Promise.allSettled(pending);
    writer.abort();
    throw err;
  }
}
