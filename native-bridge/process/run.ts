import { spawn, spawnSync, type ChildProcessByStdio } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { StationError } from '../../electron/common/errors';
import { childEnv } from './childEnv';
import { hostPlatform, killTree, ownGroup, type ProcessPlatform } from './killTree';
import { windowsHelpersDir } from '../windows/helpersDir';

/** The Windows job-object runner (native-bridge/windows/jobrun/jobrun.c, built by build.sh). */
export const JOB_HELPER = 'sohoa-jobrun.exe';

export type Child = ChildProcessByStdio<null, Readable, Readable>;
/** A child that reads a request (and later a `cancel`) on stdin: the Windows scan helpers. */
export type InteractiveChild = ChildProcessByStdio<Writable, Readable, Readable>;

export interface SpawnOptions {
  /** Variables set on purpose on top of the allow-listed environment (see childEnv). */
  env?: Record<string, string | undefined>;
  cwd?: string;
  os?: ProcessPlatform;
  /**
   * Memory ceiling for a converter fed untrusted input (Ghostscript, qpdf on an imported PDF), so a
   * decompression bomb fails inside the tool instead of exhausting the counter PC: on Linux the program runs
   * under `prlimit --as=N`; on Windows under `sohoa-jobrun.exe N` (a job object with
   * JOB_OBJECT_LIMIT_PROCESS_MEMORY). Without that helper (a developer's unbuilt checkout) and on macOS the
   * watchdog and the output bounds remain the only limits.
   */
  memoryLimitBytes?: number;
  /** The job-object runner's path (default: the Windows helpers folder); tests inject it. */
  jobHelper?: string;
}

/** The program and arguments actually started: wrapped by prlimit (Linux) or the job-object helper (Windows) when a memory ceiling applies. */
export function withMemoryLimit(cmd: string, args: string[], opts: Pick<SpawnOptions, 'memoryLimitBytes' | 'os' | 'jobHelper'>): [string, string[]] {
  const platform = (opts.os ?? hostPlatform).platform;
  if (opts.memoryLimitBytes === undefined) return [cmd, args];
  const bytes = String(Math.floor(opts.memoryLimitBytes));
  if (platform === 'linux') return ['prlimit', [`--as=${bytes}`, '--', cmd, ...args]];
  if (platform === 'win32') {
    const helper = opts.jobHelper ?? join(windowsHelpersDir(), JOB_HELPER);
    if (opts.jobHelper !== undefined || existsSync(helper)) return [helper, [bytes, cmd, ...args]];
  }
  return [cmd, args];
}

/**
 * The one way the station starts a program: allow-listed environment, stdin closed, stdout/stderr piped,
 * and (POSIX) its own process group so killTree reaches whatever it started. Throws synchronously only for
 * bad arguments; a missing program arrives as the child's 'error' event (ENOENT).
 */
export function spawnChild(cmd: string, args: string[], opts: SpawnOptions = {}): Child {
  const [program, argv] = withMemoryLimit(cmd, args, opts);
  return spawn(program, argv, { ...groupedOptions(opts), stdio: ['ignore', 'pipe', 'pipe'] });
}

/** As spawnChild, with stdin piped for a program that is talked to while it runs (the Windows scan helpers). */
export function spawnInteractive(cmd: string, args: string[], opts: Omit<SpawnOptions, 'memoryLimitBytes'> = {}): InteractiveChild {
  return spawn(cmd, args, { ...groupedOptions(opts), stdio: ['pipe', 'pipe', 'pipe'] });
}

/** What every started program gets: the allow-listed environment, its own process group (POSIX), no console window. */
function groupedOptions(opts: SpawnOptions): { env: NodeJS.ProcessEnv; detached: boolean; windowsHide: true; cwd?: string } {
  return {
    env: childEnv(opts.env),
    detached: ownGroup((opts.os ?? hostPlatform).platform),
    windowsHide: true,
    ...(opts.cwd !== undefined ? { cwd: opts.cwd } : {}),
  };
}

export interface RunOptions extends SpawnOptions {
  /** Watchdog: past this the whole process tree is killed and `timedOut` set. */
  timeoutMs: number;
  /** Bound on each of stdout, stderr and the combined `output` (tools can be chatty on hostile input). */
  maxOutput?: number;
  /** Called per stdout line instead of collecting stdout (bounded memory on big outputs). */
  onLine?: (line: string) => void;
  /** Message of the TOOL_MISSING error when the program is not installed (default: "<cmd> is not installed"). */
  missing?: string;
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** stdout and stderr interleaved as they arrived (stdout left out when `onLine` takes it). */
  output: string;
  timedOut: boolean;
}

/**
 * Runs a program to its end under a watchdog and collects its output. A program that is not installed
 * rejects with TOOL_MISSING; every other outcome (exit code, signal, timeout) resolves for the caller to
 * judge.
 */
export function runProcess(cmd: string, args: string[], opts: RunOptions): Promise<RunResult> {
  const max = opts.maxOutput ?? 1 << 20;
  const os = opts.os ?? hostPlatform;
  return new Promise((resolve, reject) => {
    let child: Child;
    try {
      child = spawnChild(cmd, args, opts);
    } catch (err) {
      reject(err);
      return;
    }
    let stdout = '';
    let stderr = '';
    let output = '';
    let pending = '';
    let timedOut = false;
    const bounded = (acc: string, s: string): string => (acc.length < max ? acc + s.slice(0, max - acc.length) : acc);
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (c: string) => {
      if (!opts.onLine) {
        stdout = bounded(stdout, c);
        output = bounded(output, c);
        return;
      }
      pending += c;
      let nl = pending.indexOf('\n');
      while (nl >= 0) {
        opts.onLine(pending.slice(0, nl));
        pending = pending.slice(nl + 1);
        nl = pending.indexOf('\n');
      }
      // Binary stream data has few newlines: never hold more than one bounded "line".
      if (pending.length > 1 << 20) pending = pending.slice(-4096);
    });
    child.stderr.on('data', (c: string) => {
      stderr = bounded(stderr, c);
      output = bounded(output, c);
    });
    const timer = setTimeout(() => {
      timedOut = true;
      if (child.pid !== undefined) killTree(child.pid, 'SIGKILL', os);
    }, opts.timeoutMs);
    child.on('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      if (err.code === 'ENOENT') reject(new StationError('TOOL_MISSING', opts.missing ?? `${cmd} is not installed`, { tool: cmd }));
      else reject(err);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (opts.onLine && pending !== '') opts.onLine(pending);
      resolve({ code, signal, stdout, stderr, output, timedOut });
    });
  });
}

export interface RunSyncOptions extends Omit<SpawnOptions, 'memoryLimitBytes'> {
  /** Watchdog: past this the child is killed and `timedOut` set. */
  timeoutMs: number;
  /** Written to the child's stdin, which is then closed (a secret is never put on the command line). */
  input?: string;
}

export interface RunSyncResult extends Omit<RunResult, 'output'> {
  /** Why the program did not run or was stopped (ENOENT when it is not installed, ETIMEDOUT). */
  error?: NodeJS.ErrnoException;
}

/**
 * Runs a short program synchronously, for the few callers that cannot wait on a promise (the key sealed by
 * Windows DPAPI is read while the station opens; the doctor's version probes). Same allow-listed
 * environment as every child; no process group (it cannot outlive the call: the timeout kills it).
 */
export function runProcessSync(cmd: string, args: string[], opts: RunSyncOptions): RunSyncResult {
  const r = spawnSync(cmd, args, {
    env: childEnv(opts.env),
    encoding: 'utf8',
    timeout: opts.timeoutMs,
    windowsHide: true,
    ...(opts.input !== undefined ? { input: opts.input } : { stdio: ['ignore', 'pipe', 'pipe'] }),
    ...(opts.cwd !== undefined ? { cwd: opts.cwd } : {}),
  });
  const error = r.error as NodeJS.ErrnoException | undefined;
  return {
    code: r.status,
    signal: r.signal,
    stdout: r.stdout ?? '',
    stderr: r.stderr ?? '',
    timedOut: error?.code === 'ETIMEDOUT',
    ...(error ? { error } : {}),
  };
}
