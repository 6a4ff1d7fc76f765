import type { FixturePage } from '../../tests/fixtures/pages/generate';

/** One checked target. `met` is null when it could not be measured (the reason is in `note`). */
export interface BenchTarget {
  id: string;
  description: string;
  value: number | null;
  limit: number;
  unit: string;
  comparison: '>=' | '<=';
  met: boolean | null;
  note?: string;
}

export interface BenchContext {
  quick: boolean;
  /** Scratch directory of this run (removed at the end). */
  workDir: string;
  /** Generated A4 200 dpi colour pages with ground truth (tests/fixtures/pages). */
  pages: FixturePage[];
  log(message: string): void;
}

export interface BenchEntryResult {
  /** Anything JSON: lands in latest.json under entries[name]. */
  figures: Record<string, unknown>;
  targets?: BenchTarget[];
  /** Rows for the stdout table; the first row is the header. */
  table?: string[][];
}

/**
 * An extra benchmark: a file `bench/entries/<name>.ts` whose default export is a BenchEntry.
 * `npm run bench` runs every entry after the core pipeline figures (see bench/README.md).
 */
export interface BenchEntry {
  name: string;
  description: string;
  run(ctx: BenchContext): Promise<BenchEntryResult>;
}

export function target(t: Omit<BenchTarget, 'met'> & { met?: boolean | null }): BenchTarget {
  const met = t.met !== undefined ? t.met : t.value === null ? null : t.comparison === '>=' ? t.value >= t.limit : t.value <= t.limit;
  return { ...t, met };
}
