import { errorText } from '../common/errorText';
import type { ErrorPayload } from '../common/errors';
import type { Io } from './command';

/** Prints a coded error: JSON on stdout with --json, else a Vietnamese/English line on stderr. */
export function printError(io: Io, json: boolean, e: ErrorPayload): void {
  if (json) {
    io.out(JSON.stringify({ ok: false, error: e }));
    return;
  }
  const vi = errorText(e.code, 'vi');
  const en = errorText(e.code, 'en');
  io.err(`Lỗi ${e.code}: ${vi.message}${vi.action ? ` ${vi.action}` : ''}`);
  io.err(`Error ${e.code}: ${en.message} (${e.message})`);
}

export function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => [...(r[i] ?? '')].length))) ?? [];
  return rows.map((r) => r.map((c, i) => c + ' '.repeat(Math.max(0, (widths[i] ?? 0) - [...c].length))).join('  ').trimEnd()).join('\n');
}

/**
 * The admin recovery key, printed once when the station key was just created (never logged or stored):
 * with it and <data>/keys/recovery.json, `sohoa key recover` restores a lost key.
 */
export function recoveryKeyNotice(recoveryKey: string): string {
  return [
    '',
    '*** KHÓA KHÔI PHỤC / RECOVERY KEY — chỉ hiện một lần / shown only once ***',
    `    ${recoveryKey}`,
    '    Ghi lại và cất nơi an toàn (quản trị viên). Write it down and keep it safe (administrator).',
    '    Dùng khi mất khóa trạm / use it if the station key is lost: sohoa key recover --recovery-key-env VAR',
    '',
  ].join('\n');
}
