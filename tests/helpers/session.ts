import { randomBytes } from 'node:crypto';
import type { Role } from '../../electron/common/schemas';
import { createAccount, signIn } from '../../electron/core/accounts/service';
import type { Caller } from '../../electron/core/service/context';
import type { Dispatcher } from '../../electron/core/service/dispatcher';
import { LocalStationClient } from '../../electron/core/service/localClient';
import type { Station } from '../../electron/core/station/station';
import { runCli, TEST_ADMIN } from './cli';

export { TEST_ADMIN };

/**
 * The one way tests sign in. Every StationApi call needs a clerk's session (docs/accounts.md), so tests
 * create real accounts and real sessions — nothing bypasses the dispatcher's checks.
 */

/** Demo mode's admin (core/accounts/service.ts DEMO_ACCOUNTS, documented in README). */
export const DEMO_ADMIN = { username: 'quantri', password: 'demo-quantri' } as const;

export interface SignedIn {
  caller: Caller;
  userId: string;
  username: string;
  displayName: string;
}

/** A new account of `role` on an open station, signed in (in-process). */
export async function signInAs(station: Station, role: Role, displayName = `Cán bộ ${role}`): Promise<SignedIn> {
  const username = `${role.replace('_', '-')}-${randomBytes(4).toString('hex')}`;
  const password = `pw-${randomBytes(8).toString('hex')}`;
  const a = await createAccount(station, { username, displayName, role, password }, null);
  const s = await signIn(station, username, password, 'test');
  return { caller: { via: 'test', session: s.session }, userId: a.id, username, displayName };
}

/** A StationClient in this process, signed in as a new account of `role`. */
export async function signedInClient(station: Station, dispatcher: Dispatcher, role: Role = 'admin', displayName?: string): Promise<LocalStationClient & { who: SignedIn }> {
  const who = await signInAs(station, role, displayName);
  return Object.assign(new LocalStationClient(dispatcher, who.caller), { who });
}

/**
 * Signs the CLI in for `dataDir` (no service running): the IT recovery command creates TEST_ADMIN with a
 * temporary password, `sohoa login` keeps the session in the data directory and `sohoa password` sets
 * TEST_ADMIN.password — exactly what IT staff type.
 */
export function cliSignIn(dataDir: string, env: NodeJS.ProcessEnv = {}): { stderr: string } {
  const pwEnv = { ...env, SOHOA_DATA_DIR: dataDir, SOHOA_TEST_PW: `${TEST_ADMIN.password}-tmp`, SOHOA_TEST_NEW_PW: TEST_ADMIN.password };
  const reset = runCli(['admin', 'reset-password', '--user', TEST_ADMIN.username, '--password-env', 'SOHOA_TEST_PW'], pwEnv);
  if (reset.code !== 0) throw new Error(`admin reset-password failed: ${reset.stderr}`);
  const login = runCli(['login', '--user', TEST_ADMIN.username, '--password-env', 'SOHOA_TEST_PW'], pwEnv);
  if (login.code !== 0) throw new Error(`sohoa login failed: ${login.stderr}`);
  const changed = runCli(['password', '--password-env', 'SOHOA_TEST_PW', '--new-password-env', 'SOHOA_TEST_NEW_PW'], pwEnv);
  if (changed.code !== 0) throw new Error(`sohoa password failed: ${changed.stderr}`);
  // The first command on a fresh data directory shows the station's recovery key (encryption at rest).
  return { stderr: reset.stderr };
}
