import { estimateSkew, inkPoints, type InkPoints } from './deskew';
import type { GrayImage } from './gray';

/**
 * Up/down asymmetry of text lines, on points already deskewed: in upright Latin (and even more in
 * Vietnamese, whose tone marks sit above) the dense x-height core of a line lies in its lower part —
 * ascenders and diacritics reach further up than descenders go down. Returns the ink-weighted mean of
 * (ink above the core − ink below it) / (both): > 0 upright, < 0 upside down.
 */
export function lineAsymmetry(p: InkPoints, skewDeg: number, dpi = 150): { asymmetry: number; lines: number } {
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
  if (nonzero === 0) return { asymmetry: 0, lines: 0 };
  const cut = (total / nonzero) * 0.08;
  let weighted = 0;
  let weight = 0;
  let lines = 0;
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
    weighted += ((above - below) / (above + below)) * ink;
    weight += ink;
    lines++;
  }
  return { asymmetry: weight > 0 ? weighted / weight : 0, lines };
}

export interface OrientationResult {
  /** Clockwise rotation that makes the page upright: 0, 90, 180 or 270. */
  rotation: 0 | 90 | 180 | 270;
  /** Whether the page looks like text lines at all (orientation is only judged on text pages). */
  textPage: boolean;
  confidence: number;
  skewDeg: number;
  skewConfidence: number;
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
 * Detects 90/180/270° orientation of a text page and its residual skew. Horizontal vs vertical lines by
 * projection-profile peakiness (the 90°-rotated copy's profile is sharper when the text runs vertically),
 * then up vs down by line asymmetry. A page without clear text lines stays at 0.
 */
export function detectOrientation(g: GrayImage): OrientationResult {
  const p0 = inkPoints(g);
  const s0 = estimateSkew(p0);
  const l0 = lineAsymmetry(p0, s0.skewDeg, g.dpi);
  const none: OrientationResult = { rotation: 0, textPage: false, confidence: 0, skewDeg: s0.skewDeg, skewConfidence: s0.confidence };
  // Text lines are only judged on a copy fine enough to see them (≈ 100 dpi or more: x-height ≥ 6 px; a
  // 100 dpi copy of an odd-sized page comes out at 99.9 dpi, hence the margin).
  if (g.dpi < 95 || p0.count < 200) return none;
  const p90 = rotatePoints90(p0);
  const s90 = estimateSkew(p90, 5, false); // only needs the line count here
  const l90 = lineAsymmetry(p90, s90.skewDeg, g.dpi);
  // Conservative: turn by 90° only when the rotated copy clearly shows more text lines.
  const vertical = l90.lines >= 5 && l90.lines >= 1.5 * l0.lines && s90.confidence > 1.1;
  const s = vertical ? estimateSkew(p90) : s0;
  const l = vertical ? l90 : l0;
  const textPage = l.lines >= 3 && s.confidence > 1.1;
  if (!textPage) return none;
  const flipped = l.asymmetry < -0.1;
  const base = vertical ? 90 : 0;
  const rotation = ((base + (flipped ? 180 : 0)) % 360) as 0 | 90 | 180 | 270;
  // Rotations by multiples of 90° keep angles: the skew measured here holds after `rotation` too.
  return { rotation, textPage, confidence: Math.min(1, Math.abs(l.asymmetry) * 3), skewDeg: s.skewDeg, skewConfidence: s.confidence };
}
