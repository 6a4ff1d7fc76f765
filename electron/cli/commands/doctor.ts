import { runDoctor } from '../../core/station/doctor';
import { EXIT, type Command } from '../command';
import { table } from '../output';

export const doctorCommand: Command = {
  name: 'doctor',
  summary: 'check this machine: Node, native modules, data directory, schema, external tools',
  usage: 'sohoa doctor [--json]',
  options: {},
  async run(args, io) {
    const report = await runDoctor(args.dataDir);
    if (args.json) {
      io.out(JSON.stringify(report, null, 2));
    } else {
      io.out(`SoHoa Station ${report.stationVersion} · Node ${report.node.version} (ABI ${report.node.abi})`);
      io.out(`Data directory: ${report.dataDir}`);
      io.out(
        `Database: ${report.schema.file} — ${report.schema.exists ? `schema ${report.schema.fileVersion ?? '?'}` : 'not created yet'} (code knows ${report.schema.codeVersion})`,
      );
      io.out(
        table([
          ['status', 'check', 'kind', 'version / detail', 'fix'],
          ...report.checks.map((c) => [c.status.toUpperCase(), c.label, c.kind, c.version ?? c.detail ?? '', c.status === 'ok' ? '' : (c.fix ?? '')]),
        ]),
      );
      io.out(report.ok ? 'OK: the station can run.' : 'FAILED: fix the checks marked MISSING/ERROR above.');
    }
    return report.ok ? EXIT.OK : EXIT.CHECK_FAILED;
  },
};
