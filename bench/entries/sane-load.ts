/**
 * SANE load benchmark: a 10-sheet ADF load (A4, 200 dpi colour, the SANE test backend) scanned as one held
 * `scanimage --batch` (what the station does) and as one scanimage start per sheet (the former way). Pages/s
 * of each, per-sheet time, and the per-sheet overhead a start costs (difference ÷ sheets). The test backend
 * has no warm-up or calibration: on a real ADF scanner each re-open costs seconds more.
 */
import { join } from 'node:path';
import { scanProfileSchema } from '../../electron/common/capture';
import { writeSaneConfig } from '../../native-bridge/sane/config';
import { SaneDriver } from '../../native-bridge/sane/driver';
import { target, type BenchEntry } from '../lib/types';

const SHEETS = 10;

async function timeLoad(mode: 'held' | 'per-sheet', env: Record<string, string>, spoolDir: string): Promise<{ seconds: number; pages: number }> {
  const driver = new SaneDriver({ env, load: mode });
  const profile = scanProfileSchema.parse({ name: 'colour-200-feeder', pixelType: 'color', resolution: 200, source: 'feeder' });
  await driver.capabilities('sane:test:0'); // options read once, outside the timing (both modes share it)
  const t0 = performance.now();
  const run = driver.scan('sane:test:0', profile, { spoolDir, firstSeq: 1, watchdogMs: 120_000, midBatch: false });
  const end = await run.done;
  const seconds = (performance.now() - t0) / 1000;
  if (end.reason !== 'feeder-empty' || end.pages !== SHEETS) throw new Error(`${mode} load ended ${end.reason} with ${end.pages} pages`);
  return { seconds, pages: end.pages };
}

const entry: BenchEntry = {
  name: 'sane-load',
  description: 'SANE 10-sheet ADF load at 200 dpi colour: one held scanimage vs one start per sheet',
  async run(ctx) {
    const { env } = writeSaneConfig({ dir: join(ctx.workDir, 'sane-load-conf'), demo: true, backends: [] });
    const repeats = ctx.quick ? 1 : 3;
    const best: Record<'held' | 'per-sheet', number> = { held: Infinity, 'per-sheet': Infinity };
    for (let i = 0; i < repeats; i++) {
      // Alternate the modes so a busy moment of the machine does not favour one.
      for (const mode of ['per-sheet', 'held'] as const) {
        const r = await timeLoad(mode, env, join(ctx.workDir, `sane-load-${mode}-${i}`));
        best[mode] = Math.min(best[mode], r.seconds);
        ctx.log(`sane-load ${mode} run ${i + 1}: ${r.seconds.toFixed(2)} s`);
      }
    }
    const pagesPerSecond = { held: SHEETS / best.held, perSheet: SHEETS / best['per-sheet'] };
    const secondsPerSheet = { held: best.held / SHEETS, perSheet: best['per-sheet'] / SHEETS };
    const startOverheadPerSheet = secondsPerSheet.perSheet - secondsPerSheet.held;
    return {
      figures: { sheets: SHEETS, resolution: 200, repeats, pagesPerSecond, secondsPerSheet, startOverheadPerSheetSeconds: startOverheadPerSheet, loadSeconds: best },
      targets: [
        target({
          id: 'sane-held-load-vs-per-sheet',
          description: 'held SANE load pages/s ÷ per-sheet starts pages/s (10 sheets, 200 dpi colour)',
          value: pagesPerSecond.held / pagesPerSecond.perSheet,
          limit: 1,
          unit: '×',
          comparison: '>=',
        }),
      ],
      table: [
        ['SANE 10-sheet load', 'pages/s', 's/sheet'],
        ['held (one scanimage)', pagesPerSecond.held.toFixed(2), secondsPerSheet.held.toFixed(3)],
        ['per-sheet starts', pagesPerSecond.perSheet.toFixed(2), secondsPerSheet.perSheet.toFixed(3)],
        ['start overhead per sheet', '', startOverheadPerSheet.toFixed(3)],
      ],
    };
  },
};
export default entry;
