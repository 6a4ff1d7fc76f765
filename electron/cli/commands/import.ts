import { resolve } from 'node:path';
import { EXIT, type Command } from '../command';
import { withClient } from '../connect';
import { printError } from '../output';
import { resolveComponent } from '../components';

export const importCommand: Command = {
  name: 'import',
  summary: "import a citizen's PDF, JPEG, PNG or TIFF into a dossier component as PDF/A-1b",
  usage:
    'sohoa import FILE --dossier DRAFT_ID --component COMPONENT [--name FILE_NAME] [--json]\n' +
    '  COMPONENT: the component id, or its type code (mã thành phần) in the dossier (see `sohoa dossier show`).\n' +
    '  PDFs are checked (password, JavaScript, embedded files, ≤ 2000 pages) and normalised by Ghostscript;\n' +
    '  images become PDF/A pages. The original file is kept as well.',
  options: { dossier: { type: 'string' }, component: { type: 'string' }, name: { type: 'string' } },
  positionals: { min: 1, max: 1 },
  async run(args, io) {
    const file = resolve(args.positionals[0]!);
    const dossierId = args.values.dossier as string | undefined;
    const componentArg = args.values.component as string | undefined;
    if (!dossierId || !componentArg) {
      io.err('--dossier and --component are required');
      return EXIT.USAGE;
    }
    return withClient(args.dataDir, async (client) => {
      const resolved = await resolveComponent(client, dossierId, componentArg);
      if (!resolved.ok) {
        printError(io, args.json, resolved.error);
        return EXIT.ERROR;
      }
      const component = resolved.value;
      const name = args.values.name as string | undefined;
      const r = await client.call('documents.import', { componentId: component.id, path: file, ...(name === undefined ? {} : { fileName: name }) });
      if (!r.ok) {
        printError(io, args.json, r.error);
        return EXIT.ERROR;
      }
      const v = r.value;
      if (args.json) {
        io.out(JSON.stringify(v, null, 2));
        return EXIT.OK;
      }
      io.out(`Đã nhập / imported: ${v.fileName}${v.fileNameChanged ? ' (tên tệp đã được làm sạch / name sanitised)' : ''}`);
      io.out(`  Thành phần: ${component.typeCode} ${component.name}`);
      io.out(`  Tài liệu ${v.documentId}: PDF/A-${v.pdfaLevel}, ${v.pageCount} trang, ${v.size} bytes (sha256 ${v.sha256})`);
      io.out(`  Bản gốc / original (${v.kind}): ${v.originalSize} bytes (sha256 ${v.originalSha256})`);
      for (const w of v.warnings) io.out(`  Lưu ý / note: ${w}`);
      return EXIT.OK;
    });
  },
};
