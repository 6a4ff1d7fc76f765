import type { Dossier, DossierState } from '../../common/schemas';
import { EXIT, type Command, type Io } from '../command';
import { withClient } from '../connect';
import { printError, table } from '../output';

function printDossier(io: Io, d: Dossier): void {
  io.out(`Hồ sơ / dossier: ${d.id}${d.serverCode ? `  (mã hồ sơ ${d.serverCode})` : ''}`);
  io.out(`  Thủ tục: ${d.procedureCode} ${d.procedureName}`);
  io.out(`  Chủ hồ sơ: ${d.ownerName || '—'} (${d.ownerIdType} ${d.ownerId})`);
  io.out(`  Trạng thái: ${d.state} · ${d.purpose} · tạo lúc ${d.createdAt}`);
  io.out(
    table([
      ['component id', 'mã', 'tên thành phần', 'bắt buộc', 'trang', 'số hóa', 'ký'],
      ...d.components.map((c) => [c.id, c.typeCode, c.name, c.required ? 'x' : '', String(c.pageCount), c.digitised ? 'x' : '', c.signed ? 'x' : '']),
    ]),
  );
}

export const dossierCreateCommand: Command = {
  name: 'dossier create',
  summary: 'create a dossier (prints its draft id and component ids)',
  usage: 'sohoa dossier create --procedure CODE --owner ID [--owner-name NAME] [--purpose intake|result] [--summary TEXT] [--json]',
  options: {
    procedure: { type: 'string' },
    owner: { type: 'string' },
    'owner-name': { type: 'string' },
    purpose: { type: 'string' },
    summary: { type: 'string' },
  },
  async run(args, io) {
    const procedureCode = args.values.procedure as string | undefined;
    const ownerId = args.values.owner as string | undefined;
    if (!procedureCode || !ownerId) {
      io.err('--procedure and --owner are required');
      return EXIT.USAGE;
    }
    const purpose = (args.values.purpose as string | undefined) ?? 'intake';
    if (purpose !== 'intake' && purpose !== 'result') {
      io.err('--purpose is intake or result');
      return EXIT.USAGE;
    }
    return withClient(args.dataDir, async (client) => {
      const summary = args.values.summary as string | undefined;
      const r = await client.call('dossiers.create', {
        procedureCode,
        ownerId,
        ownerName: (args.values['owner-name'] as string | undefined) ?? '',
        purpose,
        ...(summary === undefined ? {} : { summary }),
      });
      if (!r.ok) {
        printError(io, args.json, r.error);
        return EXIT.ERROR;
      }
      if (args.json) io.out(JSON.stringify(r.value, null, 2));
      else printDossier(io, r.value);
      return EXIT.OK;
    });
  },
};

export const dossierListCommand: Command = {
  name: 'dossier list',
  summary: 'list dossiers, newest first',
  usage: 'sohoa dossier list [--state draft|complete|queued|synced|abandoned] [--limit N] [--json]',
  options: { state: { type: 'string' }, limit: { type: 'string' } },
  async run(args, io) {
    const state = args.values.state as DossierState | undefined;
    const limit = args.values.limit === undefined ? 100 : Number(args.values.limit);
    return withClient(args.dataDir, async (client) => {
      const r = await client.call('dossiers.list', { limit, ...(state ? { state } : {}) });
      if (!r.ok) {
        printError(io, args.json, r.error);
        return EXIT.ERROR;
      }
      if (args.json) io.out(JSON.stringify(r.value, null, 2));
      else if (r.value.length === 0) io.out('Chưa có hồ sơ. / No dossiers yet.');
      else
        io.out(
          table([
            ['draft id', 'mã hồ sơ', 'thủ tục', 'chủ hồ sơ', 'trạng thái', 'thiếu'],
            ...r.value.map((d) => [d.id, d.serverCode ?? '', d.procedureCode, d.ownerName || d.ownerId, d.state, String(d.missingRequired)]),
          ]),
        );
      return EXIT.OK;
    });
  },
};

export const dossierShowCommand: Command = {
  name: 'dossier show',
  summary: 'show one dossier with its components (ids used by scan/import)',
  usage: 'sohoa dossier show DRAFT_ID [--json]',
  options: {},
  positionals: { min: 1, max: 1 },
  async run(args, io) {
    const id = args.positionals[0]!;
    return withClient(args.dataDir, async (client) => {
      const r = await client.call('dossiers.get', { id });
      if (!r.ok) {
        printError(io, args.json, r.error);
        return EXIT.ERROR;
      }
      if (args.json) io.out(JSON.stringify(r.value, null, 2));
      else printDossier(io, r.value);
      return EXIT.OK;
    });
  },
};
