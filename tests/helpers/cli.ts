import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const SOHOA_BIN = join(ROOT, 'bin', 'sohoa.mjs');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `sohoa ARGS…` as a real child process (what IT staff type). */
export function runCli(args: string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 120_000): CliResult {
  const r = spawnSync(process.execPath, [SOHOA_BIN, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: timeoutMs,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** As runCli, without blocking this process (an in-process test server keeps answering meanwhile). */
export function runCliAsync(args: string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 180_000): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [SOHOA_BIN, ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => killGroup(child, 'SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

export interface RunningService {
  child: ChildProcess;
  url: string;
  port: number;
  token: string;
  dataDir: string;
  /**
   * The pid of the process that serves (bridge.json's): the started process itself, or its child when
   * bin/sohoa.mjs re-ran `serve` with the malloc tunables the caller did not set.
   */
  servicePid: number;
  /** The session of the admin the helper signed in as (demo: quantri; otherwise the test admin); api() sends it. */
  session: string | null;
  /** SIGTERM and wait (graceful). */
  stop(): Promise<void>;
  /** SIGKILL the whole process group (no clean-up: a power cut). */
  kill(): Promise<void>;
}

/**
 * Starts `sohoa serve` in its own process group, waits for bridge.json and signs in as an admin (the one
 * sign-in helper for service tests): demo mode's `quantri`; otherwise the test admin, created through the
 * printed one-time setup link on a fresh data directory. `{ signIn: false }` leaves the service untouched.
 */
export async function startService(dataDir: string, extraArgs: string[] = [], env: NodeJS.ProcessEnv = {}, timeoutMs = 60_000, opts: { signIn?: boolean } = {}): Promise<RunningService> {
  const child = spawn(process.execPath, [SOHOA_BIN, 'serve', '--json', ...extraArgs], {
    cwd: ROOT,
    env: { ...process.env, SOHOA_DATA_DIR: dataDir, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let stderr = '';
  let stdout = '';
  child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
  child.stdout?.on('data', (c: Buffer) => (stdout += c.toString()));
  const bridgeFile = join(dataDir, 'bridge.json');
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const deadline = Date.now() + timeoutMs;
  let info: { url: string; port: number; token: string; pid: number } | undefined;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`sohoa serve exited ${child.exitCode}: ${stdout} ${stderr}`);
    if (existsSync(bridgeFile)) {
      try {
        const parsed = JSON.parse(readFileSync(bridgeFile, 'utf8')) as typeof info;
        if (parsed && child.pid !== undefined && (parsed.pid === child.pid || parentPid(parsed.pid) === child.pid)) {
          info = parsed;
          break;
        }
      } catch {
        /* being written */
      }
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  if (!info) {
    killGroup(child, 'SIGKILL');
    throw new Error(`sohoa serve did not publish bridge.json in ${timeoutMs} ms: ${stderr}`);
  }
  const demo = extraArgs.includes('--demo') || env.SOHOA_DEMO === '1';
  let session: string | null = null;
  if (opts.signIn !== false) {
    // serve --json prints one line with the open URL (carrying the setup code while no admin exists).
    while (!stdout.includes('\n') && Date.now() < deadline && child.exitCode === null) await new Promise((r) => setTimeout(r, 50));
    const printed = JSON.parse(stdout.split('\n')[0] ?? '{}') as { openUrl?: string };
    const setup = /[#&]setup=([^&]+)/.exec(printed.openUrl ?? '')?.[1];
    const svcInfo = { url: info.url, token: info.token };
    if (setup !== undefined) {
      const made = await api(svcInfo, 'auth.setup', { code: decodeURIComponent(setup), username: TEST_ADMIN.username, displayName: TEST_ADMIN.displayName, password: TEST_ADMIN.password });
      if (made.status !== 200) throw new Error(`auth.setup: ${JSON.stringify(made.body)}`);
    }
    const who = demo && setup === undefined ? { username: 'quantri', password: 'demo-quantri' } : TEST_ADMIN_LOGIN;
    let r = await api(svcInfo, 'auth.signIn', who);
    // A demo data directory first set up without --demo (or the other way round) has the test admin.
    if (r.status !== 200 && who !== TEST_ADMIN_LOGIN) r = await api(svcInfo, 'auth.signIn', TEST_ADMIN_LOGIN);
    if (r.status !== 200) throw new Error(`auth.signIn: ${JSON.stringify(r.body)}`);
    session = (r.body as { value: { session: string } }).value.session;
  }
  const waitExit = async (): Promise<void> => {
    await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
  };
  return {
    child,
    url: info.url,
    port: info.port,
    token: info.token,
    servicePid: info.pid,
    dataDir,
    session,
    stop: async () => {
      if (child.exitCode === null) {
        killGroup(child, 'SIGTERM');
        await waitExit();
        if (child.exitCode === null) killGroup(child, 'SIGKILL');
      }
      await waitGone(info.pid);
    },
    kill: async () => {
      killGroup(child, 'SIGKILL');
      await waitExit();
      // The serving child (bin/sohoa.mjs re-ran `serve`) dies by the same group kill but may outlive its parent for
      // a moment, still holding the data directory's lock: wait until it is gone too.
      await waitGone(info.pid);
    },
  };
}

/**
 * Resolves once PID has exited with all its threads: no /proc entry, or a zombie whose other threads are gone too
 * (a killed multi-threaded process shows its leader as a zombie while worker threads still hold its files and locks;
 * here nobody may reap it, so the entry itself can stay).
 */
async function waitGone(pid: number, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
      const state = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
      if ((state === 'Z' || state === 'X') && readdirSync(`/proc/${pid}/task`).length <= 1) return;
    } catch {
      return;
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`process ${pid} did not exit within ${timeoutMs} ms`);
}

/** The parent pid of a running process (Linux /proc), undefined when it is gone. */
export function parentPid(pid: number): number | undefined {
  try {
    // /proc/<pid>/stat: "pid (comm) state ppid …"; comm may hold spaces and parentheses, so split after the last ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  }
}

export function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      /* gone */
    }
  }
}

/** The admin tests create on a fresh station (setup link, recovery command) and sign in as after a restart. */
export const TEST_ADMIN = { username: 'test.admin', displayName: 'Quản trị kiểm thử', password: 'test-admin-password' } as const;
const TEST_ADMIN_LOGIN = { username: TEST_ADMIN.username, password: TEST_ADMIN.password };

/** POST /api/<method> on a running service, with the signed-in session when the service object has one. */
export async function api(svc: Pick<RunningService, 'url' | 'token'> & { session?: string | null }, method: string, params: unknown = {}, headers: Record<string, string> = {}): Promise<{ status: number; body: unknown }> {
  const res = await fetch(new URL(`api/${method}`, svc.url), {
    method: 'POST',
    headers: { Authorization: `Bearer ${svc.token}`, 'Content-Type': 'application/json', ...(svc.session ? { 'X-Sohoa-Session': svc.session } : {}), ...headers },
    body: JSON.stringify(params),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status: res.status, body };
}

/** One StationApi call whose answer must be a success: its value (an error answer fails the caller with its code). */
export async function apiValue<T>(svc: Pick<RunningService, 'url' | 'token'> & { session?: string | null }, method: string, params: unknown = {}): Promise<T> {
  const r = await api(svc, method, params);
  const body = r.body as { ok: boolean; value?: T; error?: unknown };
  if (!body.ok) throw new Error(`${method}: ${JSON.stringify(body.error)}`);
  return body.value as T;
}
