import { EXIT, type Command } from '../command';
import { withClient } from '../connect';
import { printError, table } from '../output';

export const catalogueLoadCommand: Command = {
  name: 'catalogue load',
  summary: "replace the procedure catalogue with the province's file (remembered for later starts)",
  usage: 'sohoa catalogue load FILE [--json]',
  options: {},
  positionals: { min: 1, max: 1 },
  async run(args, io) {
    return withClient(args.dataDir, async (client) => {
      const r = await client.call('dossiers.loadCatalogue', { file: args.positionals[0]! });
      if (!r.ok) return (printError(io, args.json, r.error), EXIT.ERROR);
      if (args.json) io.out(JSON.stringify(r.value));
      else io.out(`Đã nạp danh mục / catalogue loaded: phiên bản ${r.value.version}, ${r.value.procedures} thủ tục`);
      return EXIT.OK;
    });
  },
};

export const catalogueFetchCommand: Command = {
  name: 'catalogue fetch',
  summary: "load the official procedure catalogue from the configured target (DVCQG LayThuTuc; admin)",
  usage: 'sohoa catalogue fetch [--json]',
  options: {},
  async run(args, io) {
    return withClient(args.dataDir, async (client) => {
      const r = await client.call('sync.fetchCatalogue', {});
      if (!r.ok) return (printError(io, args.json, r.error), EXIT.ERROR);
      if (args.json) io.out(JSON.stringify(r.value, null, 2));
      else {
        io.out(`Đã nạp / loaded ${r.value.procedures} thủ tục (đã xác minh / confirmed), phiên bản ${r.value.version} → ${r.value.file}`);
        for (const x of r.value.skipped) io.out(`  bỏ qua / skipped ${x.code}: ${x.reason}`);
      }
      return EXIT.OK;
    });
  },
};

export const catalogueListCommand: Command = {
  name: 'catalogue list',
  summary: 'list the procedures of the loaded catalogue',
  usage: 'sohoa catalogue list [--json]',
  options: {},
  async run(args, io) {
    return withClient(args.dataDir, async (client) => {
      const r = await client.call('dossiers.procedures', {});
      if (!r.ok) return (printError(io, args.json, r.error), EXIT.ERROR);
      if (args.json) io.out(JSON.stringify(r.value, null, 2));
      else
        io.out(
          table([
            ['mã', 'tên thủ tục', 'cấp', 'lĩnh vực', 'thành phần', 'xác minh'],
            ...r.value.map((p) => [p.code, p.name, p.level, p.field ?? '', String(p.components.length), p.confirmed ? 'x' : 'mẫu']),
          ]),
        );
      return EXIT.OK;
    });
  },
};
