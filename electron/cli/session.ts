import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';

/**
 * The CLI user's session (from `sohoa login`): a 0600 file in the data directory, one per OS user, so two
 * IT staff on one PC do not act as each other. `SOHOA_SESSION` (a token) overrides it for one command.
 */
export function cliSessionFile(dataDir: string): string {
  let who: string;
  try {
    who = String(userInfo().uid >= 0 ? userInfo().uid : userInfo().username);
  } catch {
    who = 'user';
  }
  return join(dataDir, `cli-session-${who}.json`);
}

export function readCliSession(dataDir: string): string | null {
  const env = process.env.SOHOA_SESSION;
  if (env) return env;
  try {
    const v = JSON.parse(readFileSync(cliSessionFile(dataDir), 'utf8')) as { session?: unknown };
    return typeof v.session === 'string' ? v.session : null;
  } catch {
    return null;
  }
}

export function writeCliSession(dataDir: string, session: string, user: { login: string; role: string }): string {
  const file = cliSessionFile(dataDir);
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify({ session, user: user.login, role: user.role, at: new Date().toISOString() }), { mode: 0o600 });
  renameSync(tmp, file);
  return file;
}

export function removeCliSession(dataDir: string): void {
  rmSync(cliSessionFile(dataDir), { force: true });
}
