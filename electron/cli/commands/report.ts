import { writeFileSync } from 'node:fs';
import { EXIT, type Command } from '../command';
import { withClient } from '../connect';
import { printError, table } from '../output';

export const reportCommand: Command = {
  name: 'report',
  summary: 'digitisation report per procedure, clerk and day/month (table, CSV or XLSX)',
  usage: 'sohoa report --from YYYY-MM-DD --to YYYY-MM-DD [--period day|month|all] [--format table|csv|xlsx] [--out FILE] [--json]',
  options: {
    from: { type: 'string' },
    to: { type: 'string' },
    period: { type: 'string' },
    format: { type: 'string' },
    out: { type: 'string' },
  },
  async run(args, io) {
    const from = args.values.from as string | undefined;
    const to = args.values.to as string | undefined;
    if (!from || !to) {
      io.err('--from and --to are required (YYYY-MM-DD)');
      return EXIT.USAGE;
    }
    const period = (args.values.period as string | undefined) ?? 'month';
    if (period !== 'day' && period !== 'month' && period !== 'all') {
      io.err('--period is day, month or all');
      return EXIT.USAGE;
    }
    const format = (args.values.format as string | undefined) ?? 'table';
    if (format !== 'table' && format !== 'csv' && format !== 'xlsx') {
      io.err('--format is table, csv or xlsx');
      return EXIT.USAGE;
    }
    const out = args.values.out as string | undefined;
    if (format === 'xlsx' && !out) {
      io.err('--format xlsx needs --out FILE');
      return EXIT.USAGE;
    }
    return withClient(args.dataDir, async (client) => {
      const r = await client.call('reports.digitisation', { from, to, period, format: format === 'table' ? 'json' : format });
      if (!r.ok) return (printError(io, args.json, r.error), EXIT.ERROR);
      const rep = r.value;
      if (format === 'csv') {
        if (out) writeFileSync(out, rep.csv ?? '');
        else io.out((rep.csv ?? '').replace(/^\uFEFF/, '').trimEnd());
      } else if (format === 'xlsx') {
        writeFileSync(out!, Buffer.from(rep.xlsxBase64 ?? '', 'base64'));
      } else if (args.json) {
        io.out(JSON.stringify({ from: rep.from, to: rep.to, period: rep.period, rows: rep.rows, total: rep.total }, null, 2));
      } else {
        io.out(`Báo cáo số hóa / digitisation report ${rep.from} – ${rep.to}`);
        io.out(
          table([
            ['kỳ', 'mã TTHC', 'cán bộ', 'tiếp nhận', 'số hóa đủ', 'tỷ lệ %', 'chỉ tiêu %', 'kết quả số hóa', 'đạt'],
            ...[...rep.rows, { ...rep.total, procedureCode: 'TỔNG', clerk: '' }].map((x) => [
              x.period,
              x.procedureCode,
              x.clerk,
              String(x.received),
              String(x.digitised),
              x.digitisationRate.toFixed(1),
              String(x.target),
              String(x.resultsDigitised),
              x.meetsTarget ? 'x' : '',
            ]),
          ]),
        );
      }
      if (out && !args.json) io.err(`Đã ghi / written: ${out}`);
      return EXIT.OK;
    });
  },
};
