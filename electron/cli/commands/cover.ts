import { resolve } from 'node:path';
import { componentSeparatorContent, dossierCoverContent, writeSheetPdf } from '../../core/dossiers/coverSheet';
import { EXIT, type Command } from '../command';
import { withClient } from '../connect';
import { printError } from '../output';

export const coverCommand: Command = {
  name: 'cover',
  summary: "print a dossier's receipt cover sheet (QR of the draft id), or a component separator sheet, as PDF/A",
  usage:
    'sohoa cover DRAFT_ID --out FILE.pdf [--component COMPONENT_ID] [--json]\n' +
    '  Without --component: the receipt cover sheet (phiếu kiểm soát) with owner, procedure, checklist and a QR\n' +
    '  of the draft id. With --component: a separator sheet whose QR names that component. A4, 200 dpi, PDF/A-1b.',
  options: { out: { type: 'string', short: 'o' }, component: { type: 'string' } },
  positionals: { min: 1, max: 1 },
  async run(args, io) {
    const out = args.values.out as string | undefined;
    if (!out) {
      io.err('--out FILE.pdf is required');
      return EXIT.USAGE;
    }
    const id = args.positionals[0]!;
    return withClient(args.dataDir, async (client) => {
      const d = await client.call('dossiers.get', { id });
      if (!d.ok) return (printError(io, args.json, d.error), EXIT.ERROR);
      const componentId = args.values.component as string | undefined;
      const content = componentId === undefined ? dossierCoverContent(d.value) : componentSeparatorContent(d.value, componentId);
      if (!content) {
        printError(io, args.json, { code: 'NOT_FOUND', message: `dossier ${id} has no component ${componentId}` });
        return EXIT.ERROR;
      }
      const w = await writeSheetPdf(content, resolve(out));
      if (args.json) io.out(JSON.stringify({ ok: true, file: w.path, bytes: w.bytes, sha256: w.sha256, code: content.code }));
      else io.out(`${w.path}: ${content.title}, PDF/A-${w.level}, ${w.bytes} bytes`);
      return EXIT.OK;
    });
  },
};
