import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { preflightFiles } from '../../../electron/core/pdf/preflight';
import { ROOT } from '../../helpers/cli';
import { tempDir } from '../../helpers/tmp';

/**
 * 1 000 pages through decode → analyse → encode → streaming writer in a child process, RSS sampled after
 * every page. Small pages (40 dpi) keep the suite fast: this is about memory not growing with page count;
 * the 200 dpi A4 figure (≤ 300 MB) is measured by `npm run bench`. SOHOA_SOAK=1 runs 100 dpi pages.
 */
describe('streaming PDF/A writer', () => {
  it('keeps memory flat while writing 1 000 pages, and the result is valid PDF/A-1b', async () => {
    const dir = tempDir();
    const out = join(dir, 'thousand.pdf');
    const dpi = process.env.SOHOA_SOAK === '1' ? '100' : '40';
    const r = spawnSync(process.execPath, [join(ROOT, 'bin/run-ts.mjs'), join(ROOT, 'tests/fixtures/analysis/stream-pages.ts'), '1000', out, dpi], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 170_000,
    });
    expect(r.status, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout.trim().split('\n').pop()!) as { pages: number; peakRss: number; rssAt: Record<string, number> };
    expect(report.pages).toBe(1000);
    const growth = report.rssAt['1000']! - report.rssAt['100']!;
    expect(growth, `RSS after 100 pages ${report.rssAt['100']}, after 1000 ${report.rssAt['1000']}`).toBeLessThan(40 * 1024 * 1024);
    expect(report.peakRss).toBeLessThan(300 * 1024 * 1024);
    const [v] = await preflightFiles([out]);
    expect(v!.valid, JSON.stringify(v!.errors.slice(0, 5))).toBe(true);
  });
});
