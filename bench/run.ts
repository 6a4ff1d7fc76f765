/**
 * npm run bench [-- --quick] [--no-anchors] [--no-ocrmypdf] [--no-install] [--no-entries] [--pages N] [--ocr-pages N]
 *   [--anchor-pages N] [--rss-pages N] [--pages300 N] [--repeats N] [--out FILE] [--only ENTRY[,ENTRY]]
 * Writes bench/results/latest.json (git-ignored) and prints a table with each target MET / NOT MET.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { defaultOptions, formatTable, runBench, runOnlyEntries } from './bench';
import { BENCH_DIR } from './lib/tools';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    'no-anchors': { type: 'boolean', default: false },
    'no-ocrmypdf': { type: 'boolean', default: false },
    'no-install': { type: 'boolean', default: false },
    'no-entries': { type: 'boolean', default: false },
    pages: { type: 'string' },
    'ocr-pages': { type: 'string' },
    'anchor-pages': { type: 'string' },
    'rss-pages': { type: 'string' },
    pages300: { type: 'string' },
    repeats: { type: 'string' },
    out: { type: 'string' },
    only: { type: 'string' },
  },
});

const base = defaultOptions(values.quick === true);
const num = (v: string | undefined, d: number): number => (v === undefined ? d : Math.max(0, Math.floor(Number(v))));
const out = values.out ?? join(BENCH_DIR, 'results', 'latest.json');
mkdirSync(join(out, '..'), { recursive: true });
const started = Date.now();
const options = {
  ...base,
  pages: Math.max(1, num(values.pages, base.pages)),
  ocrPages: num(values['ocr-pages'], base.ocrPages),
  anchorPages: Math.max(1, num(values['anchor-pages'], base.anchorPages)),
  rssPages: Math.max(1, num(values['rss-pages'], base.rssPages)),
  pages300: num(values.pages300, base.pages300),
  repeats: Math.max(1, num(values.repeats, base.repeats)),
  anchors: !values['no-anchors'],
  ocrmypdf: !values['no-ocrmypdf'],
  install: !values['no-install'],
  entries: !values['no-entries'],
  out,
  log: (m: string) => process.stderr.write(`[bench ${((Date.now() - started) / 1000).toFixed(0)}s] ${m}\n`),
};
if (values.only) {
  const r = await runOnlyEntries(options, values.only.split(','));
  const lines = r.targets.map((t) => `${t.met === null ? 'NOT MEASURED' : t.met ? 'MET' : 'NOT MET'}  ${t.id}: ${t.value?.toFixed(2) ?? '—'} ${t.unit} (limit ${t.comparison} ${t.limit})${t.note ? ` — ${t.note}` : ''}`);
  const tables = Object.values(r.entries).flatMap((e) => ('table' in e && e.table ? [e.table.map((row) => row.join('  ')).join('\n')] : []));
  process.stdout.write(`${[...tables, ...lines].join('\n\n')}\n\nJSON: ${out}\n`);
} else {
  const result = await runBench(options);
  process.stdout.write(`${formatTable(result)}\n\nJSON: ${out}\n`);
}
