import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatTable, runBench, type BenchResult } from '../../../bench/bench';
import { PROFILE_IDS } from '../../../electron/common/compressionProfiles';
import { tempDir } from '../../helpers/tmp';

describe('npm run bench (in-process, 2 pages)', () => {
  it('writes the JSON with every profile, the anchors (or why not), RSS, extra entries, and a verdict per target', async () => {
    const dir = tempDir();
    const entries = join(dir, 'entries');
    mkdirSync(entries);
    writeFileSync(
      join(entries, 'probe.ts'),
      `export default { name: 'probe', description: 'a bench entry from another area', run: async (ctx) => ({
         figures: { pages: ctx.pages.length, quick: ctx.quick },
         targets: [{ id: 'always', description: 'probe', value: 1, limit: 2, unit: 'x', comparison: '<=', met: true }],
         table: [['probe', 'ok']] }) };\n`,
    );
    writeFileSync(join(entries, 'broken.ts'), `export default { name: 'broken', description: 'throws', run: async () => { throw new Error('boom'); } };\n`);
    writeFileSync(join(entries, 'unloadable.ts'), `import './no-such-module';\nexport default {};\n`);
    const out = join(dir, 'latest.json');
    const logs: string[] = [];
    await runBench({
      quick: true,
      pages: 2,
      ocrPages: 1,
      anchorPages: 1,
      rssPages: 3,
      pages300: 1,
      repeats: 2,
      anchors: true,
      ocrmypdf: false, // slow (OCRs every page); the full bench runs it
      install: false,
      entries: true,
      entriesDir: entries,
      out,
      log: (m) => logs.push(m),
    });
    const r = JSON.parse(readFileSync(out, 'utf8')) as BenchResult;
    expect(r.profiles.map((p) => p.id)).toEqual(PROFILE_IDS);
    for (const p of r.profiles) {
      expect(p.pages).toBe(2);
      expect(p.pagesPerSecond).toBeGreaterThan(0);
      expect(p.pagesPerSecondRuns).toHaveLength(2);
      expect(p.pagesPerSecond).toBe(Math.max(...p.pagesPerSecondRuns!));
      expect(p.bytesPerPage).toBeGreaterThan(1000);
      const vie = p.ocr?.find((o) => o.lang === 'vie');
      expect(vie?.pages).toBe(1);
      expect(vie!.cer).toBeGreaterThanOrEqual(0);
      expect(vie!.cer).toBeLessThan(0.5); // the text is legible in every profile
    }
    expect(r.profiles300.map((p) => p.id)).toEqual(PROFILE_IDS);
    expect(r.reference.ocr?.map((o) => o.lang)).toEqual(['vie', 'eng']);
    expect(r.anchors.map((a) => a.id)).toEqual(['img2pdf', 'ocrmypdf-O1', 'ocrmypdf-O3']);
    for (const a of r.anchors) {
      if (a.id.startsWith('ocrmypdf')) expect(a).toMatchObject({ available: false, reason: 'skipped (--no-ocrmypdf)' });
      else if (a.available) expect(a.bytesPerPage).toBeGreaterThan(0);
      else expect(a.reason).toMatch(/\S/);
    }
    expect(r.rss.pages).toBe(3);
    expect(r.machine.loadAverageAtStart).toHaveLength(3);
    expect(r.rss.peakMb).toBeGreaterThan(r.rss.baselineMb ?? 0);
    expect(r.rss.withMallocArenaMax2?.peakMb).toBeGreaterThan(0);
    expect(r.targets.map((t) => t.id)).toEqual(
      expect.arrayContaining(['throughput-a4-200dpi-colour', 'bytes-vs-ocrmypdf-O3', 'cer-vs-ocrmypdf-O3', 'diacritics-every-profile', 'peak-rss-1000-pages', 'probe/always']),
    );
    for (const t of r.targets) expect([true, false, null]).toContain(t.met);
    expect(r.targets.find((t) => t.id === 'peak-rss-1000-pages')!.met).toBeNull(); // 3 pages prove nothing about 1 000
    expect(r.entries.probe).toMatchObject({ figures: { pages: 2, quick: true } });
    expect(r.entries.broken).toEqual({ error: 'boom' });
    expect((r.entries.unloadable as { error: string }).error).toMatch(/failed to load/);
    const table = formatTable(r);
    expect(table).toMatch(/\[(MET|NOT MET|NOT MEASURED)\] throughput-a4-200dpi-colour/);
    expect(table).toContain('entry broken: FAILED boom');
  });
});
