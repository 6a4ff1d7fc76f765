import { percentile, type GrayImage } from './gray';

/**
 * Blank-page detection (a page is FLAGGED for the clerk to confirm, never dropped: NĐ 30/2020 Annex I wants
 * every physical page). Measured recipe that separated all test cases:
 *  - crop a thin margin (scanner edge shadows), look at a ~100–150 dpi gray copy;
 *  - paper level = 90th percentile of luminance; ink = pixels darker than paper − 60 — bleed-through from the
 *    back side is lighter than that;
 *  - STRUCTURE, not only coverage: count "inked blocks" (≈ 4 mm squares holding several ink pixels). Scanner
 *    noise and dust are isolated pixels (no block reaches the count); a stamp or a signature in a corner is
 *    small in coverage (≈ 0.06 %) but fills several neighbouring blocks → not blank.
 *  Blank ⇔ ink < 0.05 % of the page AND fewer than 3 inked blocks.
 */
export interface BlankResult {
  /** 0 (certainly content) … 1 (certainly blank); > 0.5 ⇔ flagged. */
  score: number;
  blank: boolean;
  inkFraction: number;
  inkedBlocks: number;
  paperLevel: number;
  /** Paper level − the darkest 0.5 % inside the margins: how far the ink reaches below the paper. */
  contrast: number;
  /** Inside the margins (where `paperLevel` and `contrast` were taken). */
  region: Region;
}

export const BLANK_INK_FRACTION = 0.0005;
export const BLANK_MAX_BLOCKS = 3;

export function detectBlank(g: GrayImage): BlankResult {
  const margin = Math.round(g.dpi * 0.12); // ≈ 3 mm
  const x0 = Math.min(margin, g.width >> 2);
  const y0 = Math.min(margin, g.height >> 2);
  const region = { x0, y0, x1: g.width - x0, y1: g.height - y0 };
  const paper = percentile(g, 0.9, region);
  const { inkFraction, inkedBlocks } = inkStructure(g, region, paper - 60);
  const s = Math.max(inkFraction / BLANK_INK_FRACTION, inkedBlocks / BLANK_MAX_BLOCKS);
  const blank = inkFraction < BLANK_INK_FRACTION && inkedBlocks < BLANK_MAX_BLOCKS;
  const contrast = paper - percentile(g, 0.005, region);
  return { score: Math.round((1 / (1 + s)) * 1000) / 1000, blank, inkFraction, inkedBlocks, paperLevel: paper, contrast, region };
}

export interface Region {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/**
 * Ink darker than `threshold` inside `region`: its share of the area and the number of inked ≈ 4 mm blocks
 * (a block is inked when it holds several ink pixels, not a speck: at 100 dpi two dust specks in one 16 px
 * block reach 4–5 pixels, a stroke more).
 */
export function inkStructure(g: GrayImage, region: Region, threshold: number): { inkFraction: number; inkedBlocks: number } {
  const { x0, y0, x1, y1 } = region;
  const block = Math.max(8, Math.round(g.dpi * 0.16)); // ≈ 4 mm (16 px at 100 dpi)
  const minPerBlock = Math.max(6, Math.round((block * block) / 64));
  const bw = Math.ceil((x1 - x0) / block);
  const bh = Math.ceil((y1 - y0) / block);
  const counts = new Uint32Array(bw * bh);
  let ink = 0;
  if (threshold > 0) {
    for (let y = y0; y < y1; y++) {
      const row = y * g.width;
      const by = ((y - y0) / block) | 0;
      for (let x = x0; x < x1; x++) {
        if (g.data[row + x]! < threshold) {
          ink++;
          counts[by * bw + (((x - x0) / block) | 0)]!++;
        }
      }
    }
  }
  let inkedBlocks = 0;
  for (const c of counts) if (c >= minPerBlock) inkedBlocks++;
  return { inkFraction: ink / Math.max(1, (x1 - x0) * (y1 - y0)), inkedBlocks };
}
