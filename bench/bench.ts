/**
 * The benchmark behind `npm run bench` (not a test): pages → PDF/A per compression profile, against
 * ocrmypdf -O1/-O3 and img2pdf on the same pages. See bench/README.md.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import sharp from 'sharp';
import { PROFILE_IDS, DEFAULT_PROFILE } from '../electron/common/compressionProfiles';
import { readPnm, ensurePageSet, GENERATOR_VERSION, type FixturePage } from '../tests/fixtures/pages/generate';
import { renderPdf, renderSource, scoreImages, type OcrScore } from './lib/ocr';
import { assembleRun, type AssembleRun } from './lib/pipeline';
import { BENCH_DIR, ROOT, ensureBenchPackages, run, which } from './lib/tools';
import { target, type BenchContext, type BenchEntry, type BenchEntryResult, type BenchTarget } from './lib/types';

export interface BenchOptions {
  quick: boolean;
  /** Pages of the 200 dpi colour set (throughput and bytes). */
  pages: number;
  /** Pages OCRed per variant. */
  ocrPages: number;
  /** Pages given to ocrmypdf / img2pdf. */
  anchorPages: number;
  /** Pages of the peak-RSS document. */
  rssPages: number;
  /** Pages of the 300 dpi set (0 = skip). */
  pages300: number;
  /** Timed assembly runs per profile; the fastest counts. */
  repeats: number;
  /** Run the anchors (ocrmypdf, img2pdf). */
  anchors: boolean;
  /** Run ocrmypdf among the anchors (slow: it OCRs every page). Default true. */
  ocrmypdf?: boolean;
  /** apt-get install the bench-only packages when missing. */
  install: boolean;
  /** Run bench/entries/*.ts. */
  entries: boolean;
  /** Where entries are looked for (default bench/entries). */
  entriesDir?: string;
  out?: string;
  log: (m: string) => void;
}

export function defaultOptions(quick: boolean): Omit<BenchOptions, 'log'> {
  return quick
    ? { quick, pages: 4, ocrPages: 1, anchorPages: 1, rssPages: 50, pages300: 0, repeats: 1, anchors: true, install: true, entries: true }
    : { quick, pages: 24, ocrPages: 4, anchorPages: 8, rssPages: 1000, pages300: 6, repeats: 2, anchors: true, install: true, entries: true };
}

export interface VariantResult {
  id: string;
  kind: 'profile' | 'anchor' | 'reference';
  available: boolean;
  reason?: string;
  pages?: number;
  pagesPerSecond?: number;
  /** Every timed run (profiles): `pagesPerSecond` is the best of them. */
  pagesPerSecondRuns?: number[];
  bytesPerPage?: number;
  ocr?: OcrScore[];
  note?: string;
}

export interface BenchResult {
  benchVersion: 1;
  startedAt: string;
  durationSeconds: number;
  quick: boolean;
  machine: { cpus: number; cpuModel: string; memoryMb: number; node: string; sharp: string; vips: string; loadAverageAtStart: number[]; loadAverageAtEnd: number[] };
  fixtures: {
    generator: string;
    generatorVersion: number;
    font: string;
    pages200: number;
    pages300: number;
    ocrPages: number;
    realScans: { used: string[]; note: string };
  };
  profiles: VariantResult[];
  profiles300: VariantResult[];
  anchors: VariantResult[];
  reference: VariantResult;
  ratios: { profile: string; anchor: string; bytes: number | null; speed: number | null; cerPoints: number | null }[];
  rss: {
    pages: number;
    dpi: number;
    profile: string;
    peakMb: number | null;
    baselineMb: number | null;
    pagesPerSecond: number | null;
    error?: string;
    withMallocArenaMax2?: { peakMb: number | null; pagesPerSecond: number | null; error?: string };
  };
  targets: BenchTarget[];
  entries: Record<string, BenchEntryResult | { error: string }>;
}

const REAL_SCANS_NOTE =
  'The core figures use generated pages only (with ground truth for CER). Real scans from the Debian source package leptonlib ' +
  '(tests/fixtures/scans, README there) are measured by the orientation entry (orientation and the tesseract second opinion).';

async function variantFromPdf(id: string, kind: VariantResult['kind'], pdf: string, pages: number, seconds: number, ocrSet: FixturePage[], workDir: string, langs: string[], note?: string): Promise<VariantResult> {
  const bytes = statSync(pdf).size;
  const ocr: OcrScore[] = [];
  if (ocrSet.length > 0) {
    const dir = join(workDir, `render-${id}`);
    const imgs = await renderPdf(pdf, ocrSet.length, dir);
    for (const lang of langs) ocr.push(await scoreImages(imgs, ocrSet, lang));
    rmSync(dir, { recursive: true, force: true });
  }
  return { id, kind, available: true, pages, pagesPerSecond: pages / seconds, bytesPerPage: bytes / pages, ocr, ...(note ? { note } : {}) };
}

const cerOf = (v: VariantResult | undefined, lang = 'vie'): number | undefined => v?.ocr?.find((o) => o.lang === lang)?.cer;
const recallOf = (v: VariantResult | undefined): number | undefined => v?.ocr?.find((o) => o.lang === 'vie')?.diacriticRecall;

async function pngInputs(pages: FixturePage[], dir: string): Promise<string[]> {
  return Promise.all(
    pages.map(async (p, i) => {
      const img = readPnm(readFileSync(p.pnmPath));
      const out = join(dir, `in-${String(i + 1).padStart(4, '0')}.png`);
      await sharp(img.pixels, { raw: { width: img.width, height: img.height, channels: img.channels } }).withMetadata({ density: p.dpi }).png().toFile(out);
      return out;
    }),
  );
}

async function runAnchors(o: BenchOptions, pages: FixturePage[], ocrSet: FixturePage[], workDir: string): Promise<VariantResult[]> {
  const pkgs = ensureBenchPackages(o.install, o.log);
  const out: VariantResult[] = [];
  const inputs = await pngInputs(pages, workDir);
  const i2p = join(workDir, 'img2pdf.pdf');
  if (!which('img2pdf')) {
    out.push({ id: 'img2pdf', kind: 'anchor', available: false, reason: pkgs.reason ?? 'img2pdf not installed' });
  } else {
    o.log(`img2pdf on ${pages.length} pages`);
    const r = await run('img2pdf', [...inputs, '-o', i2p]);
    out.push(
      r.code === 0
        ? await variantFromPdf('img2pdf', 'anchor', i2p, pages.length, r.seconds, ocrSet, workDir, ['vie'], 'lossless PNG pages wrapped as they are (inputs converted from PNM beforehand, not timed)')
        : { id: 'img2pdf', kind: 'anchor', available: false, reason: `img2pdf exit ${r.code}: ${r.stderr.trim().slice(0, 300)}` },
    );
  }
  for (const level of ['1', '3']) {
    const id = `ocrmypdf-O${level}`;
    if (o.ocrmypdf === false) {
      out.push({ id, kind: 'anchor', available: false, reason: 'skipped (--no-ocrmypdf)' });
      continue;
    }
    if (!which('ocrmypdf')) {
      out.push({ id, kind: 'anchor', available: false, reason: pkgs.reason ?? 'ocrmypdf not installed' });
      continue;
    }
    if (!statSync(i2p, { throwIfNoEntry: false })) {
      out.push({ id, kind: 'anchor', available: false, reason: 'needs the img2pdf input, which failed' });
      continue;
    }
    o.log(`ocrmypdf --output-type pdfa -O${level} on ${pages.length} pages`);
    const pdf = join(workDir, `${id}.pdf`);
    const r = await run('ocrmypdf', ['--output-type', 'pdfa', `-O${level}`, '-l', 'vie', '--jobs', String(cpus().length), '--quiet', i2p, pdf], {
      env: { OMP_THREAD_LIMIT: '1' },
      timeoutMs: 900_000,
    });
    out.push(
      r.code === 0
        ? await variantFromPdf(id, 'anchor', pdf, pages.length, r.seconds, ocrSet, workDir, ['vie'], 'from the img2pdf PDF; its time includes its own OCR (tesseract vie), its invisible text layer is not scored')
        : { id, kind: 'anchor', available: false, reason: `ocrmypdf exit ${r.code}: ${r.stderr.trim().split('\n').slice(-3).join(' ').slice(0, 400)}` },
    );
  }
  return out;
}

async function rssChild(o: BenchOptions, workDir: string, env: NodeJS.ProcessEnv): Promise<BenchResult['rss']> {
  const dpi = 200;
  const profile = DEFAULT_PROFILE;
  const r = await run(process.execPath, [join(ROOT, 'bin/run-ts.mjs'), join(BENCH_DIR, 'rssChild.ts'), String(o.rssPages), String(dpi), profile, join(workDir, 'rss.pdf')], {
    timeoutMs: 1_800_000,
    env,
  });
  const line = r.stdout.trim().split('\n').pop() ?? '';
  try {
    const j = JSON.parse(line) as AssembleRun & { baselineHwmKb: number; peakHwmKb: number };
    return { pages: j.pages, dpi, profile, peakMb: j.peakHwmKb / 1024, baselineMb: j.baselineHwmKb / 1024, pagesPerSecond: j.pagesPerSecond };
  } catch {
    return { pages: o.rssPages, dpi, profile, peakMb: null, baselineMb: null, pagesPerSecond: null, error: `child exit ${r.code}: ${r.stderr.trim().slice(-500)}` };
  }
}

/**
 * Peak RSS in a child process, twice: with glibc's default malloc, and as the station ships (scripts/start and
 * the Electron shell start the service with MALLOC_ARENA_MAX=2 and MALLOC_TRIM_THRESHOLD_=1048576) — libvips'
 * worker threads otherwise each grow an arena that is never returned. The target is judged on the shipped run.
 */
async function measureRss(o: BenchOptions, workDir: string): Promise<BenchResult['rss']> {
  o.log(`peak RSS: ${o.rssPages} pages, 200 dpi colour, profile ${DEFAULT_PROFILE} (child process, default malloc)`);
  const { MALLOC_ARENA_MAX: _drop, ...plainEnv } = process.env;
  const plain = await rssChild(o, workDir, { ...plainEnv, MALLOC_ARENA_MAX: '' });
  o.log(`peak RSS: same as the station ships (MALLOC_ARENA_MAX=2, MALLOC_TRIM_THRESHOLD_=1048576)`);
  const capped = await rssChild(o, workDir, { MALLOC_ARENA_MAX: '2', MALLOC_TRIM_THRESHOLD_: '1048576' });
  return { ...plain, withMallocArenaMax2: { peakMb: capped.peakMb, pagesPerSecond: capped.pagesPerSecond, ...(capped.error ? { error: capped.error } : {}) } };
}

/** Runs the entries (all, or those named in `only`); targets are prefixed with the entry's name. */
async function runEntries(o: BenchOptions, ctx: BenchContext, only?: string[]): Promise<{ entries: BenchResult['entries']; targets: BenchTarget[] }> {
  const entries: BenchResult['entries'] = {};
  const targets: BenchTarget[] = [];
  for (const e of await loadEntries(o.entriesDir ?? join(BENCH_DIR, 'entries'), o.log)) {
    if (only && !only.includes(e.name)) continue;
    if ('error' in e) {
      entries[e.name] = { error: e.error };
      continue;
    }
    o.log(`entry ${e.name}: ${e.description}`);
    try {
      const r = await e.run(ctx);
      entries[e.name] = r;
      targets.push(...(r.targets ?? []).map((t) => ({ ...t, id: `${e.name}/${t.id}` })));
    } catch (err) {
      entries[e.name] = { error: err instanceof Error ? err.message : String(err) };
    }
  }
  return { entries, targets };
}

/**
 * `npm run bench -- --only NAME[,NAME]`: only those entries, without the core figures (profiles, OCR, anchors,
 * RSS) — for re-measuring one area without loading the shared machine with the whole run.
 */
export async function runOnlyEntries(o: BenchOptions, only: string[]): Promise<{ entries: BenchResult['entries']; targets: BenchTarget[] }> {
  const workDir = mkdtempSync(join(tmpdir(), 'sohoa-bench-'));
  try {
    const pages = await ensurePageSet({ count: Math.max(o.pages, 8), dpi: 200 });
    const result = await runEntries(o, { quick: o.quick, workDir, pages: pages.slice(0, o.pages), log: o.log }, only);
    if (o.out) writeFileSync(o.out, `${JSON.stringify({ benchVersion: 1, startedAt: new Date().toISOString(), quick: o.quick, only, ...result }, null, 2)}\n`);
    return result;
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

/** Loads bench/entries/*.ts; a file that fails to load is reported as that entry's error, never fatal. */
async function loadEntries(dir: string, log: (m: string) => void): Promise<(BenchEntry | { name: string; error: string })[]> {
  const files = readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.d.ts'))
    .map((e) => e.name)
    .sort();
  const out: (BenchEntry | { name: string; error: string })[] = [];
  for (const f of files) {
    const name = f.replace(/\.ts$/, '');
    try {
      const mod = (await import(pathToFileURL(join(dir, f)).href)) as { default?: BenchEntry };
      if (mod.default && typeof mod.default.run === 'function') out.push(mod.default);
      else out.push({ name, error: `bench/entries/${f} has no default BenchEntry export` });
    } catch (err) {
      log(`bench/entries/${f} failed to load`);
      out.push({ name, error: `failed to load: ${err instanceof Error ? err.message : String(err)}` });
    }
  }
  return out;
}

export async function runBench(o: BenchOptions): Promise<BenchResult> {
  const t0 = performance.now();
  const startedAt = new Date().toISOString();
  const loadAverageAtStart = loadavg();
  const workDir = mkdtempSync(join(tmpdir(), 'sohoa-bench-'));
  try {
    o.log(`generating/reusing ${o.pages} A4 200 dpi colour pages (tests/fixtures/pages)`);
    // 8 at least: the RSS child cycles through 8 cached pages and must not render any itself.
    const pages = await ensurePageSet({ count: Math.max(o.pages, o.anchorPages, o.ocrPages, 8), dpi: 200 });
    const set = pages.slice(0, o.pages);
    const ocrSet = pages.slice(0, o.ocrPages);
    const anchorSet = pages.slice(0, o.anchorPages);

    // Warm-up (libvips init, JIT) outside the timings.
    await assembleRun(set.slice(0, 1), 1, DEFAULT_PROFILE, join(workDir, 'warmup.pdf'));

    const profiles: VariantResult[] = [];
    for (const id of PROFILE_IDS) {
      o.log(`profile ${id}: ${set.length} pages end to end`);
      const pdf = join(workDir, `profile-${id}.pdf`);
      // Best of N: other work on a shared machine only ever makes a run slower.
      const runs: AssembleRun[] = [];
      for (let k = 0; k < o.repeats; k++) runs.push(await assembleRun(set, set.length, id, pdf));
      const best = runs.reduce((a, b) => (b.seconds < a.seconds ? b : a));
      const langs = id === DEFAULT_PROFILE ? ['vie', 'eng'] : ['vie'];
      const v = await variantFromPdf(id, 'profile', pdf, best.pages, best.seconds, ocrSet, workDir, langs);
      profiles.push({ ...v, pagesPerSecondRuns: runs.map((x) => x.pagesPerSecond) });
    }
    const profiles300: VariantResult[] = [];
    if (o.pages300 > 0) {
      const p300 = await ensurePageSet({ count: o.pages300, dpi: 300 });
      for (const id of PROFILE_IDS) {
        o.log(`profile ${id}: ${p300.length} pages at 300 dpi`);
        const r = await assembleRun(p300, p300.length, id, join(workDir, `p300-${id}.pdf`));
        profiles300.push({ id, kind: 'profile', available: true, pages: r.pages, pagesPerSecond: r.pagesPerSecond, bytesPerPage: r.bytesPerPage });
      }
    }

    o.log(`OCR reference: the scanner's own pixels (${ocrSet.length} pages)`);
    const srcImgs = await renderSource(ocrSet, join(workDir, 'render-source'));
    const reference: VariantResult = {
      id: 'source',
      kind: 'reference',
      available: true,
      pages: ocrSet.length,
      ocr: ocrSet.length > 0 ? [await scoreImages(srcImgs, ocrSet, 'vie'), await scoreImages(srcImgs, ocrSet, 'eng')] : [],
      note: 'uncompressed scan scaled to 300 dpi: the best any output can do; eng is the control (Vietnamese marks lost by design)',
    };

    const anchors = o.anchors ? await runAnchors(o, anchorSet, ocrSet, workDir) : [];
    const rss = await measureRss(o, workDir);

    const ratios: BenchResult['ratios'] = [];
    for (const p of profiles) {
      for (const a of anchors.filter((x) => x.available)) {
        const cp = cerOf(p);
        const ca = cerOf(a);
        ratios.push({
          profile: p.id,
          anchor: a.id,
          bytes: p.bytesPerPage && a.bytesPerPage ? p.bytesPerPage / a.bytesPerPage : null,
          speed: p.pagesPerSecond && a.pagesPerSecond ? p.pagesPerSecond / a.pagesPerSecond : null,
          cerPoints: cp !== undefined && ca !== undefined ? (cp - ca) * 100 : null,
        });
      }
    }

    const def = profiles.find((p) => p.id === DEFAULT_PROFILE);
    const o3 = anchors.find((a) => a.id === 'ocrmypdf-O3');
    const o3note = o3 && !o3.available ? `ocrmypdf -O3 unavailable: ${o3.reason}` : !o.anchors ? 'anchors not run' : undefined;
    const o3ok = o3?.available === true;
    // Deskewed outputs can OCR better than the skewed scan itself: compare with the best variant seen.
    const recalls = [reference, ...profiles].map(recallOf).filter((x): x is number => x !== undefined);
    const bestRecall = recalls.length > 0 ? Math.max(...recalls) : undefined;
    const worstProfile = [...profiles].sort((a, b) => (recallOf(a) ?? 0) - (recallOf(b) ?? 0))[0];
    const worstDrop = bestRecall === undefined || ocrSet.length === 0 || !worstProfile ? null : (bestRecall - (recallOf(worstProfile) ?? 0)) * 100;
    const targets: BenchTarget[] = [
      target({
        id: 'throughput-a4-200dpi-colour',
        description: `default profile '${DEFAULT_PROFILE}', A4 200 dpi colour, decode → analyse → encode → assemble, ${cpus().length} cores`,
        value: def?.pagesPerSecond ?? null,
        limit: 8,
        unit: 'pages/s',
        comparison: '>=',
      }),
      target({
        id: 'bytes-vs-ocrmypdf-O3',
        description: `default profile bytes per A4 page ÷ ocrmypdf --output-type pdfa -O3`,
        value: o3ok && def?.bytesPerPage && o3.bytesPerPage ? def.bytesPerPage / o3.bytesPerPage : null,
        limit: 0.6,
        unit: '×',
        comparison: '<=',
        ...(o3note ? { note: o3note } : {}),
      }),
      target({
        id: 'cer-vs-ocrmypdf-O3',
        description: 'default profile OCR CER (tesseract vie, rendered at 300 dpi) minus ocrmypdf -O3 CER, in points',
        value: o3ok && cerOf(def) !== undefined && cerOf(o3) !== undefined ? (cerOf(def)! - cerOf(o3)!) * 100 : null,
        limit: 1,
        unit: 'points',
        comparison: '<=',
        ...(o3note ? { note: o3note } : ocrSet.length === 0 ? { note: 'no OCR pages' } : {}),
      }),
      target({
        id: 'diacritics-every-profile',
        description: 'worst profile: Vietnamese marked letters (ả, ệ, ộ, ữ, đ …) recalled by tesseract vie, drop vs the best variant (profiles and the uncompressed scan), in points',
        value: worstDrop,
        limit: 1,
        unit: 'points',
        comparison: '<=',
        ...(worstProfile ? { note: `worst profile: ${worstProfile.id}; OCR on ${ocrSet.length} page(s)` } : {}),
      }),
      target({
        id: 'peak-rss-1000-pages',
        description: `peak RSS (VmHWM) of a child process assembling ${rss.pages} pages (${rss.dpi} dpi colour, '${rss.profile}')`,
        value: rss.withMallocArenaMax2?.peakMb ?? rss.peakMb,
        limit: 300,
        unit: 'MB',
        comparison: '<=',
        note: [
          rss.error,
          rss.pages < 1000 ? `${rss.pages} pages only: not the 1 000-page figure` : undefined,
          rss.withMallocArenaMax2?.peakMb
            ? `as shipped (MALLOC_ARENA_MAX=2, trim threshold 1 MB); with glibc's default malloc: ${rss.peakMb?.toFixed(0) ?? "?"} MB`
            : 'shipped configuration not measured: default malloc figure',
        ]
          .filter((x) => x !== undefined)
          .join('; '),
      }),
    ];
    if (rss.pages < 1000) targets[targets.length - 1]!.met = null;

    const entries: BenchResult['entries'] = {};
    if (o.entries) {
      const ran = await runEntries(o, { quick: o.quick, workDir, pages: set, log: o.log });
      Object.assign(entries, ran.entries);
      targets.push(...ran.targets);
    }

    const result: BenchResult = {
      benchVersion: 1,
      startedAt,
      durationSeconds: (performance.now() - t0) / 1000,
      quick: o.quick,
      machine: {
        cpus: cpus().length,
        cpuModel: cpus()[0]?.model ?? 'unknown',
        memoryMb: Math.round(totalmem() / 1024 ** 2),
        node: process.versions.node,
        sharp: sharp.versions.sharp ?? '',
        vips: sharp.versions.vips,
        loadAverageAtStart,
        loadAverageAtEnd: loadavg(),
      },
      fixtures: {
        generator: 'tests/fixtures/pages/generate.ts (Vietnamese administrative text, Liberation Serif 2, skew/noise/tint/JPEG look, red seal on every other page)',
        generatorVersion: GENERATOR_VERSION,
        font: 'resources/fonts/LiberationSerif-Regular.ttf (Debian fonts-liberation2 2.1.5)',
        pages200: set.length,
        pages300: o.pages300,
        ocrPages: ocrSet.length,
        realScans: { used: [], note: REAL_SCANS_NOTE },
      },
      profiles,
      profiles300,
      anchors,
      reference,
      ratios,
      rss,
      targets,
      entries,
    };
    if (o.out) writeFileSync(o.out, `${JSON.stringify(result, null, 2)}\n`);
    return result;
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

const f1 = (x: number | undefined | null, d = 1): string => (x === undefined || x === null || !Number.isFinite(x) ? '—' : x.toFixed(d));

export function formatTable(r: BenchResult): string {
  const rows: string[][] = [['variant', 'pages/s', 'KB/page', 'CER vie %', 'marks %', 'CER eng %', 'bytes ÷ O3', 'note']];
  const o3 = r.anchors.find((a) => a.id === 'ocrmypdf-O3' && a.available);
  const line = (v: VariantResult): string[] => [
    v.id,
    f1(v.pagesPerSecond),
    f1(v.bytesPerPage === undefined ? undefined : v.bytesPerPage / 1024, 0),
    f1(cerOf(v) === undefined ? undefined : cerOf(v)! * 100),
    f1(recallOf(v) === undefined ? undefined : recallOf(v)! * 100),
    f1(cerOf(v, 'eng') === undefined ? undefined : cerOf(v, 'eng')! * 100),
    o3 && v.bytesPerPage && o3.bytesPerPage ? f1(v.bytesPerPage / o3.bytesPerPage, 2) : '—',
    v.available ? (v.kind === 'reference' ? 'reference' : '') : `unavailable: ${v.reason ?? ''}`.slice(0, 60),
  ];
  rows.push(...r.profiles.map(line), ...r.anchors.map(line), line(r.reference));
  for (const v of r.profiles300) rows.push([`${v.id} @300dpi`, f1(v.pagesPerSecond), f1((v.bytesPerPage ?? 0) / 1024, 0), '', '', '', '', '']);
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((x) => [...(x[i] ?? '')].length)));
  const fmt = (x: string[]): string => x.map((c, i) => c + ' '.repeat(widths[i]! - [...c].length)).join('  ').trimEnd();
  const out = [fmt(rows[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(fmt)];
  out.push('', `peak RSS, glibc default malloc: ${f1(r.rss.peakMb)} MB for ${r.rss.pages} pages (${r.rss.dpi} dpi, ${r.rss.profile}; baseline ${f1(r.rss.baselineMb)} MB, ${f1(r.rss.pagesPerSecond)} pages/s)${r.rss.error ? ` — ${r.rss.error}` : ''}`);
  if (r.rss.withMallocArenaMax2) out.push(`peak RSS as shipped (MALLOC_ARENA_MAX=2, trim 1 MB): ${f1(r.rss.withMallocArenaMax2.peakMb)} MB (${f1(r.rss.withMallocArenaMax2.pagesPerSecond)} pages/s)`);
  out.push('', 'Targets:');
  for (const t of r.targets) {
    const verdict = t.met === null ? 'NOT MEASURED' : t.met ? 'MET' : 'NOT MET';
    out.push(`  [${verdict}] ${t.id}: ${f1(t.value, 2)} ${t.unit} (target ${t.comparison} ${t.limit}) — ${t.description}${t.note ? ` (${t.note})` : ''}`);
  }
  for (const [name, e] of Object.entries(r.entries)) {
    if ('error' in e) out.push('', `entry ${name}: FAILED ${e.error}`);
    else if (e.table && e.table.length > 0) out.push('', `entry ${name}:`, ...e.table.map((row) => `  ${row.join('  ')}`));
  }
  return out.join('\n');
}
