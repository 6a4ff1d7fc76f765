/**
 * The `sohoa` command as IT scripts meet it: start-up time of the prebuilt bundle (`--version`, `dossier list`
 * on a data directory with a signed-in admin, as every station command needs) beside `node -e 0` on the same
 * machine in the same run, median of 10 — wall time, and the CPU time (user + system, GNU time) each start
 * used, which a loaded machine stretches far less than the wall time; and the peak RSS of a 1 000-page
 * `sohoa pdf` started with no malloc tunables in its environment (the command bounds its memory itself,
 * bin/sohoa.mjs). GNU time's %M is the largest resident set of the process tree it waited for.
 */
import { existsSync, mkdirSync, symlinkSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { buildCli } from '../../scripts/build-cli';
import { ensurePageSet } from '../../tests/fixtures/pages/generate';
import { cliSignIn } from '../../tests/helpers/session';
import { ROOT, run } from '../lib/tools';
import { target, type BenchEntry } from '../lib/types';

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

interface Timed {
  medianMs: number;
  runsMs: number[];
  /** CPU time (user + system) of each start, from GNU time. */
  cpuMedianMs: number;
  cpuRunsMs: number[];
  failures: string[];
}

async function timed(cmd: string, args: string[], env: NodeJS.ProcessEnv, n: number): Promise<Timed> {
  const runsMs: number[] = [];
  const cpuRunsMs: number[] = [];
  const failures: string[] = [];
  for (let i = 0; i < n; i++) {
    const r = await run('/usr/bin/time', ['-f', 'CPU_S %U %S', cmd, ...args], { env, cwd: ROOT, timeoutMs: 60_000 });
    if (r.code !== 0) failures.push(`exit ${r.code}: ${r.stderr.trim().slice(-300)}`);
    runsMs.push(r.seconds * 1000);
    const cpu = /CPU_S ([\d.]+) ([\d.]+)/.exec(r.stderr);
    cpuRunsMs.push(cpu ? (Number(cpu[1]) + Number(cpu[2])) * 1000 : NaN);
  }
  return { medianMs: median(runsMs), runsMs, cpuMedianMs: median(cpuRunsMs), cpuRunsMs, failures };
}

const entry: BenchEntry = {
  name: 'cli',
  description: 'sohoa start-up (prebuilt bundle) beside node -e 0; peak RSS of a 1 000-page sohoa pdf with no malloc tunables set',
  async run(ctx) {
    await buildCli(ROOT);
    const bin = join(ROOT, 'node_modules/.bin/sohoa');
    if (!existsSync(bin)) symlinkSync('../../bin/sohoa.mjs', bin);
    const n = 10;
    const dataDir = join(ctx.workDir, 'cli-data');
    mkdirSync(dataDir);
    const env = { SOHOA_DATA_DIR: dataDir };
    // Creates and migrates the database (not what a script's loop pays) and signs the CLI in, as IT staff do.
    cliSignIn(dataDir);
    const nodeOnly = await timed(process.execPath, ['-e', '0'], env, n);
    const version = await timed(bin, ['--version'], env, n);
    const list = await timed(bin, ['dossier', 'list'], env, n);
    ctx.log(
      `cli: node -e 0 ${nodeOnly.medianMs.toFixed(0)} ms (CPU ${nodeOnly.cpuMedianMs.toFixed(0)}), --version ${version.medianMs.toFixed(0)} ms (CPU ${version.cpuMedianMs.toFixed(0)}), dossier list ${list.medianMs.toFixed(0)} ms (CPU ${list.cpuMedianMs.toFixed(0)})`,
    );

    const rssPages = ctx.quick ? 50 : 1000;
    const pages = await ensurePageSet({ count: 8, dpi: 200 });
    const files = Array.from({ length: rssPages }, (_, i) => pages[i % pages.length]!.pnmPath);
    const out = join(ctx.workDir, 'cli-rss.pdf');
    ctx.log(`cli: sohoa pdf of ${rssPages} pages, no MALLOC_* in its environment`);
    const noTunables = { MALLOC_ARENA_MAX: undefined, MALLOC_TRIM_THRESHOLD_: undefined };
    const rss = await run('/usr/bin/time', ['-f', 'MAXRSS_KB %M', bin, 'pdf', ...files, '--out', out, '--dpi', '200', '--json'], { env: noTunables, cwd: ROOT, timeoutMs: 1_800_000 });
    const kb = Number(/MAXRSS_KB (\d+)/.exec(rss.stderr)?.[1] ?? NaN);
    const peakMb = Number.isFinite(kb) && rss.code === 0 ? kb / 1024 : null;
    ctx.log(`cli: ${rssPages} pages in ${rss.seconds.toFixed(0)} s, peak RSS ${peakMb?.toFixed(0) ?? '?'} MB`);
    const failures = [...version.failures, ...list.failures];
    const rssTarget = target({
      id: 'pdf-1000-pages-rss',
      description: `peak RSS of \`sohoa pdf\` with ${rssPages} A4 200 dpi colour pages, no malloc tunables set by the caller`,
      value: peakMb,
      limit: 300,
      unit: 'MB',
      comparison: '<=',
      ...(rss.code !== 0 ? { note: `exit ${rss.code}: ${rss.stderr.trim().slice(-300)}` } : rssPages < 1000 ? { note: `${rssPages} pages only (--quick)` } : {}),
    });
    if (rssPages < 1000) rssTarget.met = null;
    return {
      figures: {
        runs: n,
        // Wall times on a machine shared with other work are mostly waiting: the load says how much.
        loadAverage: loadavg(),
        nodeMs: nodeOnly,
        // On a loaded machine Node's own start dominates: what the command adds is the steadier figure.
        versionOverNodeMs: version.medianMs - nodeOnly.medianMs,
        dossierListOverNodeMs: list.medianMs - nodeOnly.medianMs,
        versionCpuOverNodeMs: version.cpuMedianMs - nodeOnly.cpuMedianMs,
        dossierListCpuOverNodeMs: list.cpuMedianMs - nodeOnly.cpuMedianMs,
        versionMs: version,
        dossierListMs: list,
        pdfRss: { pages: rssPages, peakMb, seconds: rss.seconds, exitCode: rss.code },
        ...(failures.length ? { failures } : {}),
      },
      targets: [
        target({ id: 'version-ms', description: `node_modules/.bin/sohoa --version, median of ${n} (node -e 0: ${nodeOnly.medianMs.toFixed(0)} ms)`, value: failures.length ? null : version.medianMs, limit: 150, unit: 'ms', comparison: '<=' }),
        target({ id: 'dossier-list-ms', description: `sohoa dossier list (in-process station), median of ${n}`, value: failures.length ? null : list.medianMs, limit: 400, unit: 'ms', comparison: '<=' }),
        rssTarget,
      ],
      table: [
        ['cli', 'median wall ms', 'median CPU ms'],
        ['node -e 0', nodeOnly.medianMs.toFixed(0), nodeOnly.cpuMedianMs.toFixed(0)],
        ['sohoa --version', version.medianMs.toFixed(0), version.cpuMedianMs.toFixed(0)],
        ['sohoa dossier list', list.medianMs.toFixed(0), list.cpuMedianMs.toFixed(0)],
        ['  (−  node -e 0: start-up the command adds)', `${(version.medianMs - nodeOnly.medianMs).toFixed(0)} / ${(list.medianMs - nodeOnly.medianMs).toFixed(0)}`, `${(version.cpuMedianMs - nodeOnly.cpuMedianMs).toFixed(0)} / ${(list.cpuMedianMs - nodeOnly.cpuMedianMs).toFixed(0)}`],
        [`sohoa pdf ${rssPages} p, peak RSS (MB)`, peakMb?.toFixed(0) ?? '—', ''],
      ],
    };
  },
};

export default entry;
