import { percentile, type GrayImage } from './gray';

/**
 * Kodak patch codes (separator sheets scanners and capture software recognise): four parallel black bars,
 * each narrow (0.08 in) or wide (0.20 in), with three narrow spaces between them, 0.80 in across and at least
 * 0.75 in long (Kodak A-61599/A-61670 zone tables: Patch 2 = WNNW, 3 = WNWN, T = NWNW, 1 = WWNN, 4 = NWWN,
 * 6 = NNWW, read from the leading edge). Two placements are read, as Kodak defines them: bars parallel to the
 * leading edge (horizontal on an upright page, read top to bottom) and end-fed bars (vertical, read right to
 * left). Only a pattern repeated along the bars for ≥ 0.75 in counts, so a table rule or a line of text is
 * never taken for a patch.
 */
export type PatchCode = '1' | '2' | '3' | '4' | '6' | 'T';

const PATTERNS: Record<string, PatchCode> = { WNNW: '2', WNWN: '3', NWNW: 'T', WWNN: '1', NWWN: '4', NNWW: '6' };

/** Tolerances in inches: the spec's ± 0.01 in, widened for a 100 dpi copy of a scanned print (blur, toner). */
const NARROW = [0.045, 0.125] as const;
const WIDE = [0.15, 0.27] as const;
const MIN_QUIET = 0.1;
export const MIN_PATCH_LENGTH_IN = 0.75;

interface Hit {
  line: number;
  start: number;
  key: string;
}

/**
 * Reads one scan line (`len` samples from `at(i)`): every place where four bars and three spaces of patch
 * widths sit between quiet zones. `ink(v)` says whether a sample is dark.
 */
function lineHits(line: number, len: number, at: (i: number) => number, dark: number, dpi: number, out: Hit[]): void {
  const runs: { dark: boolean; start: number; len: number }[] = [];
  let start = 0;
  let cur = at(0) < dark;
  for (let i = 1; i <= len; i++) {
    const d = i < len ? at(i) < dark : !cur;
    if (d !== cur) {
      runs.push({ dark: cur, start, len: i - start });
      start = i;
      cur = d;
    }
  }
  const inRange = (px: number, r: readonly [number, number]): boolean => px >= r[0] * dpi && px <= r[1] * dpi;
  for (let i = 1; i + 7 < runs.length; i++) {
    const before = runs[i - 1]!;
    const after = runs[i + 7]!;
    if (!runs[i]!.dark || before.dark || before.len < MIN_QUIET * dpi || after.dark || after.len < MIN_QUIET * dpi) continue;
    let key = '';
    for (let k = 0; k < 7; k++) {
      const r = runs[i + k]!;
      if (k % 2 === 1) {
        if (!inRange(r.len, NARROW)) break;
      } else if (inRange(r.len, NARROW)) key += 'N';
      else if (inRange(r.len, WIDE)) key += 'W';
      else break;
    }
    if (key.length === 4 && PATTERNS[key]) out.push({ line, start: runs[i]!.start, key });
  }
}

/** The longest run of consecutive lines (gaps ≤ 2 lines) holding the same pattern at the same place. */
function longestStreak(hits: Hit[], dpi: number): { key: string; lines: number } | null {
  const byKey = new Map<string, Hit[]>();
  for (const h of hits) byKey.set(h.key, [...(byKey.get(h.key) ?? []), h]);
  let best: { key: string; lines: number } | null = null;
  const drift = Math.max(2, 0.05 * dpi);
  for (const [key, list] of byKey) {
    list.sort((a, b) => a.start - b.start || a.line - b.line);
    // Group by start position, then count consecutive lines within each group.
    const used = new Array<boolean>(list.length).fill(false);
    for (let i = 0; i < list.length; i++) {
      if (used[i]) continue;
      const lines = list.filter((h, j) => !used[j] && Math.abs(h.start - list[i]!.start) <= drift).map((h) => h.line);
      list.forEach((h, j) => {
        if (Math.abs(h.start - list[i]!.start) <= drift) used[j] = true;
      });
      lines.sort((a, b) => a - b);
      let run = 1;
      let longest = 1;
      for (let k = 1; k < lines.length; k++) {
        run = lines[k]! - lines[k - 1]! <= 3 ? run + 1 : 1;
        longest = Math.max(longest, run);
      }
      if (!best || longest > best.lines) best = { key, lines: longest };
    }
  }
  return best;
}

/**
 * The patch code on a page (a ~100 dpi gray copy): null when there is none, 'unclear' when two placements
 * disagree (flagged for the clerk, never guessed).
 */
export function detectPatchCode(g: GrayImage): PatchCode | 'unclear' | null {
  const paper = percentile(g, 0.9);
  const dark = Math.max(40, paper - 90);
  const minLines = Math.round(MIN_PATCH_LENGTH_IN * g.dpi);
  const found: PatchCode[] = [];
  // Bars parallel to the leading edge: horizontal bars, each column read from the top (leading) edge down.
  const colHits: Hit[] = [];
  for (let x = 0; x < g.width; x++) lineHits(x, g.height, (i) => g.data[i * g.width + x]!, dark, g.dpi, colHits);
  const cols = longestStreak(colHits, g.dpi);
  if (cols && cols.lines >= minLines) found.push(PATTERNS[cols.key]!);
  // End-fed bars: vertical, each row read from the right edge to the left.
  const rowHits: Hit[] = [];
  for (let y = 0; y < g.height; y++) {
    const row = y * g.width;
    lineHits(y, g.width, (i) => g.data[row + g.width - 1 - i]!, dark, g.dpi, rowHits);
  }
  const rows = longestStreak(rowHits, g.dpi);
  if (rows && rows.lines >= minLines) found.push(PATTERNS[rows.key]!);
  if (found.length === 0) return null;
  return found.some((f) => f !== found[0]) ? 'unclear' : found[0]!;
}
