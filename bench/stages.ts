/**
 * Per-stage timing of the page pipeline (not a test, not part of `npm run bench`'s targets):
 *   node bin/run-ts.mjs bench/stages.ts [--pages N] [--repeat R] [--profiles color,mrc,…] [--concurrency 1,2,3] [--json FILE]
 * Uses the benchmark's generated A4 200 dpi colour pages (tests/fixtures/pages). Prints ms per stage (median
 * over pages, one page at a time, so the figures add up) and end-to-end pages/s per profile and concurrency
 * through `assemblePdf` — the same path `npm run bench` and `documents.assemble` take, with the CPU time
 * (all threads) per page: 2 cores / CPU-time-per-page bounds pages/s on an idle machine. Records the load
 * average: wall-clock figures on a loaded machine are lower.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { ANALYSIS_DPI, analyseImage } from '../electron/core/imaging/analyse';
import { detectBlank } from '../electron/core/imaging/blank';
import { decodeImage } from '../electron/core/imaging/decode';
import { straighten } from '../electron/core/imaging/deskew';
import { grayCopy } from '../electron/core/imaging/gray';
import { detectOrientation } from '../electron/core/imaging/orientation';
import { assemblePdf, type PageSource } from '../electron/core/pdf/assemble';
import { encodePage } from '../electron/core/pdf/encode';
import { PROFILE_IDS, type ProfileId } from '../electron/common/compressionProfiles';
import { PdfAWriter } from '../electron/core/pdf/writer';
import { ensurePageSet, type FixturePage } from '../tests/fixtures/pages/generate';

const { values } = parseArgs({
  options: {
    pages: { type: 'string', default: '8' },
    repeat: { type: 'string', default: '3' },
    profiles: { type: 'string', default: PROFILE_IDS.join(',') },
    concurrency: { type: 'string', default: '1,2,3' },
    json: { type: 'string' },
  },
});
const nPages = Number(values.pages);
const repeat = Number(values.repeat);
const profiles = values.profiles!.split(',') as ProfileId[];
const concurrencies = values.concurrency!.split(',').map(Number);

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const ms = (t0: number): number => performance.now() - t0;

const pages = await ensurePageSet({ count: nPages, dpi: 200 });
const load0 = loadavg()[0]!;
const stages: Record<string, number[]> = {};
const add = (k: string, v: number): void => void (stages[k] ??= []).push(v);

// Warm-up (libvips caches, JIT).
await analyseImage(await decodeImage(readFileSync(pages[0]!.pnmPath), { dpiHint: 200 }), 'color');

for (let r = 0; r < repeat; r++) {
  for (const p of pages) {
    let t = performance.now();
    const bytes = readFileSync(p.pnmPath);
    add('read', ms(t));
    t = performance.now();
    const img = await decodeImage(bytes, { dpiHint: p.dpi });
    add('decode', ms(t));
    t = performance.now();
    const a = await analyseImage(img, 'color');
    add('analyse (total)', ms(t));
    t = performance.now();
    const g = await grayCopy(img, ANALYSIS_DPI, 200);
    add(`  gray copy ${ANALYSIS_DPI} dpi`, ms(t));
    t = performance.now();
    detectBlank(g);
    add('  blank', ms(t));
    t = performance.now();
    detectOrientation(g);
    add('  orientation + skew', ms(t));
    t = performance.now();
    const up = await straighten(img, a.rotation, a.skewDeg);
    add('straighten', ms(t));
    for (const prof of profiles) {
      t = performance.now();
      await encodePage(up, prof);
      add(`encode ${prof}`, ms(t));
    }
  }
}

// Writer cost alone (pre-encoded page, written N times).
{
  const dir = mkdtempSync(join(tmpdir(), 'sohoa-stages-'));
  const enc = await encodePage(await decodeImage(readFileSync(pages[0]!.pnmPath), { dpiHint: 200 }), 'color');
  const w = await PdfAWriter.open(join(dir, 'w.pdf'), { title: 'stages' });
  for (let i = 0; i < 20; i++) {
    const t = performance.now();
    await w.addPage(enc);
    add('writer addPage (color)', ms(t));
  }
  await w.close();
  rmSync(dir, { recursive: true, force: true });
}

const stageRows = Object.entries(stages).map(([k, v]) => ({ stage: k, medianMs: Math.round(median(v) * 10) / 10 }));

const source = (p: FixturePage, i: number): PageSource => ({ label: `p${i}`, dpi: p.dpi, load: () => decodeImage(readFileSync(p.pnmPath), { dpiHint: p.dpi }) });
const e2e: { profile: ProfileId; concurrency: number; pages: number; pagesPerSecond: number; cpuMsPerPage: number; bytesPerPage: number }[] = [];
const dir = mkdtempSync(join(tmpdir(), 'sohoa-stages-'));
try {
  for (const prof of profiles) {
    for (const c of concurrencies) {
      const count = nPages * repeat;
      const t = performance.now();
      const cpu0 = process.cpuUsage();
      const r = await assemblePdf(
        (function* () {
          for (let i = 0; i < count; i++) yield source(pages[i % pages.length]!, i);
        })(),
        join(dir, `${prof}-${c}.pdf`),
        { profile: prof, meta: { title: `stages ${prof}` }, concurrency: c },
      );
      const s = ms(t) / 1000;
      const cpu = process.cpuUsage(cpu0); // all threads of this process, libvips' included
      e2e.push({
        profile: prof,
        concurrency: c,
        pages: count,
        pagesPerSecond: Math.round((count / s) * 100) / 100,
        cpuMsPerPage: Math.round((cpu.user + cpu.system) / 1000 / count),
        bytesPerPage: Math.round(r.written.bytes / count),
      });
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const machine = { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? '?', loadAvgBefore: load0, loadAvgAfter: loadavg()[0]!, node: process.version, vips: sharp.versions.vips };
const out = { at: new Date().toISOString(), machine, pages: nPages, repeat, stages: stageRows, endToEnd: e2e };
process.stdout.write(`machine: ${machine.cpus} × ${machine.cpuModel}, load ${load0.toFixed(1)} → ${machine.loadAvgAfter.toFixed(1)}, node ${machine.node}, vips ${machine.vips}\n`);
process.stdout.write(`\nstage (median ms/page, one page at a time, A4 200 dpi colour)\n`);
for (const s of stageRows) process.stdout.write(`  ${s.stage.padEnd(28)} ${s.medianMs.toFixed(1).padStart(7)}\n`);
process.stdout.write(`\nend to end (read → decode → analyse → straighten → encode → PDF/A-1b writer)\n`);
for (const e of e2e) process.stdout.write(`  ${e.profile.padEnd(9)} concurrency ${e.concurrency}: ${e.pagesPerSecond.toFixed(2).padStart(6)} pages/s, ${String(e.cpuMsPerPage).padStart(4)} CPU ms/page, ${(e.bytesPerPage / 1000).toFixed(0)} kB/page\n`);
if (values.json) writeFileSync(values.json, `${JSON.stringify(out, null, 2)}\n`);
