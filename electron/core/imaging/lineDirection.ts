import { percentile, type GrayImage } from './gray';

/**
 * Which way a page's lines run, from ink run lengths: along a line, letters and digits follow each other
 * with gaps of a pixel or two and the runs (gaps under ≈ 0.8 mm closed) are as long as words and numbers;
 * across lines, a run is at most one line tall. Unlike the projection-profile count of text lines, this
 * holds for a numeric table turned sideways (tabular figures line up in columns, so the sideways table's
 * profile looks like text lines as well) and for handwriting and blackletter, whose lines are too close or
 * too wavy for a profile. Measured on the real scans of tests/fixtures/scans at 100 dpi: along/across
 * 2.1–7.5 for the upright pages, its inverse for the sideways copies.
 */
export interface LineDirection {
  /** Ink-weighted mean run length along rows ÷ along columns: > 1 lines run across the page. */
  ratio: number;
  /**
   * 'horizontal' (upright or upside down) or 'vertical' (sideways) when clear and the runs across the lines
   * are as short as lines of text; null otherwise (no ink, no clear direction, or bands and blocks — a
   * colour test chart, a photo — whose runs across are far taller than any line of writing).
   */
  direction: 'horizontal' | 'vertical' | null;
  /** Ink-weighted mean run across the lines, inches: a line's height (0.04–0.21 in on the real scans). */
  acrossInch: number;
  /** Share of the page that is ink. */
  inkFraction: number;
}

/** The ratio (or its inverse) a direction needs to count as clear. */
export const CLEAR_DIRECTION_RATIO = 1.8;
/** Runs across taller than this are not lines of writing (the densest blackletter page: 0.21 in). */
export const MAX_LINE_INCH = 0.3;
/**
 * A page of writing is mostly paper; more ink than this is a picture, a chart or a solid block (the dark
 * blackletter page: 0.30 at the midway threshold; the SANE test backend's colour chart: 0.43).
 */
export const MAX_TEXT_INK = 0.38;

export function lineDirection(g: GrayImage): LineDirection {
  const paper = percentile(g, 0.9);
  const darkest = percentile(g, 0.02);
  // Midway between paper and the darkest ink holds on dark and faint scans alike; never closer than 40
  // levels to the paper (scanner noise and bleed-through are not ink).
  const threshold = Math.min(paper - 40, (paper + darkest) / 2);
  if (threshold <= 0) return { ratio: 1, direction: null, acrossInch: 0, inkFraction: 0 };
  const gap = Math.max(1, Math.round(g.dpi * 0.03));
  const ink = new Uint8Array(g.width * g.height);
  let inked = 0;
  for (let i = 0; i < ink.length; i++) {
    if (g.data[i]! < threshold) {
      ink[i] = 1;
      inked++;
    }
  }
  const rows = meanRun(ink, g.height, g.width, g.width, 1, gap);
  const columns = meanRun(ink, g.width, g.height, 1, g.width, gap);
  if (rows === 0 || columns === 0) return { ratio: 1, direction: null, acrossInch: 0, inkFraction: inked / ink.length };
  const ratio = rows / columns;
  const acrossInch = Math.min(rows, columns) / g.dpi;
  const clear = ratio >= CLEAR_DIRECTION_RATIO ? 'horizontal' : ratio <= 1 / CLEAR_DIRECTION_RATIO ? 'vertical' : null;
  const inkFraction = inked / ink.length;
  return { ratio, direction: acrossInch <= MAX_LINE_INCH && inkFraction <= MAX_TEXT_INK ? clear : null, acrossInch, inkFraction };
}

/**
 * Ink-weighted mean length of ink runs along `inner` (gaps up to `gap` pixels closed), over `outer` lines:
 * Σ run² / Σ run, so a few long runs (words, rules) weigh as much as their ink, specks as little as theirs.
 */
function meanRun(ink: Uint8Array, outer: number, inner: number, outerStride: number, innerStride: number, gap: number): number {
  let squares = 0;
  let total = 0;
  for (let o = 0; o < outer; o++) {
    let run = 0;
    let pending = 0;
    for (let i = 0, at = o * outerStride; i < inner; i++, at += innerStride) {
      if (ink[at] === 1) {
        run += run > 0 ? pending + 1 : 1;
        pending = 0;
      } else if (run > 0 && ++pending > gap) {
        squares += run * run;
        total += run;
        run = 0;
        pending = 0;
      }
    }
    if (run > 0) {
      squares += run * run;
      total += run;
    }
  }
  return total > 0 ? squares / total : 0;
}
