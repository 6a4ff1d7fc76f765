import type { RotationReason } from '../../common/api/pages';
import { estimateSkew, inkPoints, type InkPoints } from './deskew';
import type { GrayImage } from './gray';
import { lineDirection } from './lineDirection';

/** A line votes "upright" or "upside down" when its own asymmetry is beyond this; flatter lines abstain. */
const LINE_VOTE = 0.1;

export interface LineVotes {
  /** Ink-weighted mean asymmetry: > 0 upright, < 0 upside down. */
  asymmetry: number;
  lines: number;
  /** Lines whose own asymmetry says upright / upside down (the rest abstain: digits, capitals, rules). */
  up: number;
  down: number;
}

/**
 * Up/down asymmetry of text lines, on points already deskewed: in upright Latin (and even more in
 * Vietnamese, whose tone marks sit above) the dense x-height core of a line lies in its lower part —
 * ascenders and diacritics reach further up than descenders go down. Returns the ink-weighted mean of
 * (ink above the core − ink below it) / (both): > 0 upright, < 0 upside down.
 */
export function lineAsymmetry(p: InkPoints, skewDeg: number, dpi = 150): LineVotes {
  // A text line is 0.04–0.6 inch tall (6–90 px at 150 dpi); taller runs are blocks, pictures, seals.
  const minH = Math.max(3, Math.round(dpi * 0.04));
  const maxH = Math.round(dpi * 0.6);
  const a = (skewDeg * Math.PI) / 180;
  const c = Math.cos(a);
  const s = Math.sin(a);
  const pad = p.width + 2;
  const size = p.height + 2 * pad + 2;
  const h = new Float64Array(size);
  for (let i = 0; i < p.count; i++) {
    const yp = Math.round(p.ys[i]! * c - p.xs[i]! * s + pad);
    h[yp]! += 1;
  }
  let nonzero = 0;
  let total = 0;
  for (let i = 0; i < size; i++)
    if (h[i]! > 0) {
      nonzero++;
      total += h[i]!;
    }
  if (nonzero === 0) return { asymmetry: 0, lines: 0, up: 0, down: 0 };
  const cut = (total / nonzero) * 0.08;
  let weighted = 0;
  let weight = 0;
  let lines = 0;
  let up = 0;
  let down = 0;
  let i = 0;
  while (i < size) {
    if (h[i]! <= cut) {
      i++;
      continue;
    }
    const top = i;
    let peak = 0;
    let ink = 0;
    while (i < size && h[i]! > cut) {
      peak = Math.max(peak, h[i]!);
      ink += h[i]!;
      i++;
    }
    const bottom = i - 1;
    const height = bottom - top + 1;
    if (height < minH || height > maxH) continue;
    let coreTop = top;
    while (h[coreTop]! < peak * 0.5) coreTop++;
    let coreBottom = bottom;
    while (h[coreBottom]! < peak * 0.5) coreBottom--;
    let above = 0;
    let below = 0;
    for (let y = top; y < coreTop; y++) above += h[y]!;
    for (let y = coreBottom + 1; y <= bottom; y++) below += h[y]!;
    if (above + below === 0) continue;
    const a = (above - below) / (above + below);
    weighted += a * ink;
    weight += ink;
    lines++;
    if (a > LINE_VOTE) up++;
    else if (a < -LINE_VOTE) down++;
  }
  return { asymmetry: weight > 0 ? weighted / weight : 0, lines, up, down };
}

/**
 * Why a page was turned, for the clerk (the page carries it; the UI shows it): its text lines run sideways,
 * or they read upside down. Null when the page was left as it came.
 */
export type OrientationReason = RotationReason;

export interface OrientationResult {
  /** Clockwise rotation that makes the page upright: 0, 90, 180 or 270 — non-zero only on strong evidence. */
  rotation: 0 | 90 | 180 | 270;
  /** Why `rotation` is not 0; null when it is. */
  reason: OrientationReason | null;
  /** Whether the page looks like text lines at all (orientation is only judged on text pages). */
  textPage: boolean;
  confidence: number;
  skewDeg: number;
  skewConfidence: number;
  /** The line votes the up/down decision rests on (lines of the chosen direction). */
  votes: LineVotes;
  /**
   * The lines clearly run one way (`base`: the clockwise turn, 0 or 90, that makes them run across) but
   * their shapes do not tell up from down: a second opinion (ocrOrientation) may settle it. Null when the
   * page was decided here or has no clear lines.
   */
  undecided: { base: 0 | 90 } | null;
}

/**
 * Strong evidence for up vs down: enough lines vote (a line votes when its own asymmetry is clear), the
 * majority outnumbers the rest 2.5 to 1, and the ink-weighted mean agrees. A numeric table (digits and
 * capitals have no ascender/descender asymmetry: 23 up / 14 down on a real upright table page, 13 / 23 on
 * its upside-down copy) does not reach it and is left as it came — a clerk never gets an upright page
 * turned upside down by a guess.
 */
const MIN_VOTES = 4;
const MAJORITY = 2.5;
const MIN_ASYMMETRY = 0.1;

function upDown(l: LineVotes): 'up' | 'down' | null {
  if (l.up >= MIN_VOTES && l.up >= MAJORITY * l.down && l.asymmetry >= MIN_ASYMMETRY) return 'up';
  if (l.down >= MIN_VOTES && l.down >= MAJORITY * l.up && l.asymmetry <= -MIN_ASYMMETRY) return 'down';
  return null;
}

/** The same ink points on the page turned 90° clockwise: (x, y) → (H − 1 − y, x). No pixels are touched. */
export function rotatePoints90(p: InkPoints): InkPoints {
  const xs = new Float32Array(p.count);
  const ys = new Float32Array(p.count);
  for (let i = 0; i < p.count; i++) {
    xs[i] = p.height - 1 - p.ys[i]!;
    ys[i] = p.xs[i]!;
  }
  return { xs, ys, count: p.count, width: p.height, height: p.width };
}

/**
 * Detects 90/180/270° orientation of a text page and its residual skew. Horizontal vs vertical lines by ink
 * run lengths (lineDirection: words run along the lines), then up vs down by line asymmetry votes. The
 * page is turned only when both are clear: a sideways page whose up/down cannot be told, or a page without
 * clear text lines, stays at 0 here and is marked `undecided` when its lines at least run one clear way.
 */
export function detectOrientation(g: GrayImage): OrientationResult {
  const p0 = inkPoints(g);
  const s0 = estimateSkew(p0);
  const l0 = lineAsymmetry(p0, s0.skewDeg, g.dpi);
  const none: OrientationResult = {
    rotation: 0,
    reason: null,
    textPage: false,
    confidence: 0,
    skewDeg: s0.skewDeg,
    skewConfidence: s0.confidence,
    votes: l0,
    undecided: null,
  };
  // Text lines are only judged on a copy fine enough to see them (≈ 100 dpi or more: x-height ≥ 6 px; a
  // 100 dpi copy of an odd-sized page comes out at 99.9 dpi, hence the margin).
  if (g.dpi < 95 || p0.count < 200) return none;
  const runs = lineDirection(g);
  const vertical = runs.direction === 'vertical';
  const p = vertical ? rotatePoints90(p0) : p0;
  const s = vertical ? estimateSkew(p) : s0;
  const l = vertical ? lineAsymmetry(p, s.skewDeg, g.dpi) : l0;
  const textPage = l.lines >= 3 && s.confidence > 1.1;
  const dir = textPage ? upDown(l) : null;
  // Rotations by multiples of 90° keep angles: the skew measured here holds after `rotation` too.
  const base = { textPage, confidence: textPage ? Math.min(1, Math.abs(l.asymmetry) * 3) : 0, skewDeg: s.skewDeg, skewConfidence: s.confidence, votes: l };
  if (dir === null) {
    // Sideways or upside down cannot be told from the line shapes: turning is a guess, wrong half the time.
    return { ...base, rotation: 0, reason: null, undecided: runs.direction === null ? null : { base: vertical ? 90 : 0 } };
  }
  if (vertical) return { ...base, rotation: dir === 'up' ? 90 : 270, reason: 'text_sideways', undecided: null };
  if (dir === 'down') return { ...base, rotation: 180, reason: 'text_upside_down', undecided: null };
  return { ...base, rotation: 0, reason: null, undecided: null };
}
