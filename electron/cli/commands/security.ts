import { writeFileSync } from 'node:fs';
import { recoverKey } from '../../core/security/keys';
import { EXIT, type Command } from '../command';
import { withClient } from '../connect';
import { printError } from '../output';

export const auditExportCommand: Command = {
  name: 'audit export',
  summary: 'the access log of a period for an inspector (JSON lines), with the check of its keyed chain',
  usage: 'sohoa audit export --from YYYY-MM-DD --to YYYY-MM-DD [--out FILE] [--json]',
  options: { from: { type: 'string' }, to: { type: 'string' }, out: { type: 'string' } },
  async run(args, io) {
    const from = args.values.from as string | undefined;
    const to = args.values.to as string | undefined;
    if (!from || !to) {
      io.err('--from and --to are required (YYYY-MM-DD)');
      return EXIT.USAGE;
    }
    return withClient(args.dataDir, async (client) => {
      const r = await client.call('audit.export', { from, to });
      if (!r.ok) return (printError(io, args.json, r.error), EXIT.ERROR);
      const { check, rows } = r.value;
      const lines = [JSON.stringify({ type: 'check', from, to, ...check }), ...rows.map((row) => JSON.stringify({ type: 'event', ...row }))];
      const out = args.values.out as string | undefined;
      if (out) writeFileSync(out, `${lines.join('\n')}\n`, { mode: 0o600 });
      else if (args.json) io.out(JSON.stringify(r.value, null, 2));
      else io.out(lines.join('\n'));
      if (check.brokenAt !== null) {
        io.err(`AUDIT_CHAIN_BROKEN: nhật ký bị sửa từ dòng ${check.brokenAt} / the log was changed from row ${check.brokenAt}`);
        return EXIT.CHECK_FAILED;
      }
      if (check.truncatedAt !== null) {
        io.err(`AUDIT_LOG_TRUNCATED: nhật ký có ${check.rows} dòng nhưng máy chủ một cửa đã ghi nhận dòng ${check.truncatedAt} / the log has ${check.rows} rows, the one-stop server acknowledged row ${check.truncatedAt}`);
        return EXIT.CHECK_FAILED;
      }
      if (out) io.err(`${rows.length} dòng / rows → ${out}; chuỗi nguyên vẹn / chain intact (${check.rows} rows)`);
      return EXIT.OK;
    });
  },
};

export const keyRecoverCommand: Command = {
  name: 'key recover',
  summary: "restore a lost station key from <data>/keys/recovery.json and the admin's recovery key",
  usage: 'sohoa key recover --recovery-key-env VAR   (the recovery key is read from that environment variable, never from a flag)',
  options: { 'recovery-key-env': { type: 'string' } },
  async run(args, io) {
    const name = args.values['recovery-key-env'] as string | undefined;
    const value = name ? process.env[name] : undefined;
    if (!name || !value) {
      io.err('--recovery-key-env VAR is required, with the recovery key in that variable');
      return EXIT.USAGE;
    }
    const source = recoverKey(args.dataDir, value); // coded errors (KEY_INVALID, KEY_MISSING, CONFLICT) are printed by main
    if (args.json) io.out(JSON.stringify({ ok: true, keySource: source }));
    else io.out(`Đã khôi phục khóa trạm / station key restored: ${source.path} (${source.kind})`);
    return EXIT.OK;
  },
};
