import { EXIT, type Command } from '../command';
import { withClient } from '../connect';
import { printError, table } from '../output';

export const dossierChecklistCommand: Command = {
  name: 'dossier checklist',
  summary: 'which required components are still to scan or sign',
  usage: 'sohoa dossier checklist DRAFT_ID [--json]',
  options: {},
  positionals: { min: 1, max: 1 },
  async run(args, io) {
    return withClient(args.dataDir, async (client) => {
      const r = await client.call('dossiers.checklist', { id: args.positionals[0]! });
      if (!r.ok) return (printError(io, args.json, r.error), EXIT.ERROR);
      if (args.json) io.out(JSON.stringify(r.value, null, 2));
      else {
        io.out(
          table([
            ['mã', 'thành phần', 'loại', 'bắt buộc', 'còn thiếu'],
            ...r.value.items.map((i) => [i.typeCode, i.name, i.kind, i.required ? 'x' : '', i.missing === 'scan' ? 'chưa số hóa' : i.missing === 'sign' ? 'chưa ký' : '']),
          ]),
        );
        io.out(r.value.complete ? 'Đủ thành phần bắt buộc / complete.' : `Còn thiếu ${r.value.missingRequired.length} thành phần bắt buộc / missing.`);
      }
      return r.value.complete ? EXIT.OK : EXIT.ERROR;
    });
  },
};

export const dossierCompleteCommand: Command = {
  name: 'dossier complete',
  summary: 'mark a dossier complete and queue it for sync (refused while required components are missing)',
  usage: 'sohoa dossier complete DRAFT_ID [--no-queue] [--json]',
  options: { 'no-queue': { type: 'boolean' } },
  positionals: { min: 1, max: 1 },
  async run(args, io) {
    return withClient(args.dataDir, async (client) => {
      const r = await client.call('dossiers.complete', { id: args.positionals[0]!, queue: args.values['no-queue'] !== true });
      if (!r.ok) return (printError(io, args.json, r.error), EXIT.ERROR);
      if (args.json) io.out(JSON.stringify(r.value, null, 2));
      else io.out(`Hồ sơ ${r.value.id}: ${r.value.state}${r.value.serverCode ? ` (mã hồ sơ ${r.value.serverCode})` : ''}`);
      return EXIT.OK;
    });
  },
};
