/**
 * Child process of the benchmark: assembles N pages into one PDF/A and reports its own peak RSS
 * (VmHWM from /proc/self/status), so the figure is not polluted by the parent's OCR and caches.
 * node bin/run-ts.mjs bench/rssChild.ts PAGES DPI PROFILE OUT.pdf
 */
import { readFileSync, rmSync } from 'node:fs';
import type { ProfileId } from '../electron/common/compressionProfiles';
import { ensurePageSet } from '../tests/fixtures/pages/generate';
import { assembleRun } from './lib/pipeline';

const kb = (field: string): number => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? NaN);

const [pagesArg, dpiArg, profile, out] = process.argv.slice(2);
const pages = await ensurePageSet({ count: 8, dpi: Number(dpiArg) });
const baseline = kb('VmHWM');
const r = await assembleRun(pages, Number(pagesArg), profile as ProfileId, out!);
const peak = kb('VmHWM');
rmSync(out!, { force: true });
process.stdout.write(`${JSON.stringify({ ...r, baselineHwmKb: baseline, peakHwmKb: peak })}\n`);
