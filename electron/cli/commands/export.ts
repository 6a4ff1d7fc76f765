import { resolve } from 'node:path';
import { EXIT, type Command } from '../command';
import { withClient } from '../connect';
import { printError } from '../output';

export const exportCommand: Command = {
  name: 'export',
  summary: "save a dossier (or a day's dossiers) for hand attachment: signed PDFs, manifest.json, dvcqg.json",
  usage: 'sohoa export DRAFT_ID [--out DIR|FILE.zip] [--json]   |   sohoa export --day YYYY-MM-DD --out DIR|FILE.zip [--json]   (no --out: a new folder in the station export folder)',
  options: { out: { type: 'string' }, day: { type: 'string' } },
  positionals: { min: 0, max: 1 },
  async run(args, io) {
    const out = args.values.out as string | undefined;
    const day = args.values.day as string | undefined;
    const id = args.positionals[0];
    if ((!id && !day) || (id && day) || (day && !out)) {
      io.err('give DRAFT_ID [--out DIR|FILE.zip] or --day YYYY-MM-DD --out DIR|FILE.zip');
      return EXIT.USAGE;
    }
    return withClient(args.dataDir, async (client) => {
      // The service may run elsewhere in the process tree: always send an absolute path.
      const r = day
        ? await client.call('dossiers.exportDay', { day, out: resolve(out!) })
        : await client.call('dossiers.export', { id: id!, ...(out ? { out: resolve(out) } : {}) });
      if (!r.ok) return (printError(io, args.json, r.error), EXIT.ERROR);
      if (args.json) io.out(JSON.stringify(r.value, null, 2));
      else {
        io.out(`Đã lưu / exported ${r.value.dossiers.length} hồ sơ → ${r.value.out} (${r.value.format})`);
        for (const f of r.value.files) io.out(`  ${f.path}  ${f.size} B  sha256 ${f.sha256}`);
      }
      return EXIT.OK;
    });
  },
};
