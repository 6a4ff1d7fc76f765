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
  /** 'horizontal' (upright or upside down) or 'vertical' (sideways) when clear; null otherwise. */
  direction: 'horizontal' | 'vertical' | null;
}

/** The ratio (or its inverse) a direction needs to count as clear. */
export const CLEAR_DIRECTION_RATIO = 1.8;

export function lineDirection(g: GrayImage): LineDirection {
  const paper = percentile(g, 0.9);
  const darkest = percentile(g, 0.02);
  // Midway between paper and the darkest ink holds on dark and faint scans alike; never closer than 40
  // levels to the paper (scanner noise and bleed-through are not ink).
  const threshold = Math.min(paper - 40, (paper + darkest) / 2);
  if (threshold <= 0) return { ratio: 1, direction: null };
  const gap = Math.max(1, Math.round(g.dpi * 0.03));
  const ink = new Uint8Array(g.width * g.height);
  for (let i = 0; i < ink.length; i++) ink[i] = g.data[i]! < threshold ? 1 : 0;
  const along = meanRun(ink, g.height, g.width, g.width, 1, gap);
  const across = meanRun(ink, g.width, g.height, 1, g.width, gap);
  if (along === 0 || across === 0) return { ratio: 1, direction: null };
  const ratio = along / across;
  const direction = ratio >= CLEAR_DIRECTION_RATIO ? 'horizontal' : ratio <= 1 / CLEAR_DIRECTION_RATIO ? 'vertical' : null;
  return { ratio, direction };
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
