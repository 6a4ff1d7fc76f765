import type { Readable, Writable } from 'node:stream';
import { StationError } from '../../electron/common/errors';
import { hostPlatform, killTree, type ProcessPlatform } from '../process/killTree';
import { spawnInteractive } from '../process/run';
import type { DriverLogger } from '../types';

/**
 * The Windows scan helpers (TWAIN in C, WIA in PowerShell) speak JSON lines (scanner-protocols.md §3.7): the
 * first stdin line is the request, stdout carries one event object per line, stderr the helper's log. This is
 * the station's side of that pipe, shared by both drivers.
 */

/** One event line from a helper. */
export interface HelperEvent {
  type: string;
  [key: string]: unknown;
}

/** How to start a helper: the program and its arguments (Wine on the Linux test rig: `wine helper.exe`). */
export interface HelperCommand {
  cmd: string;
  args: string[];
  /** Variables set on purpose for the helper, on top of the allow-listed environment. */
  env?: Record<string, string | undefined>;
}

/** What the drivers need of a running helper; a recorded transcript can stand in for Windows (tests). */
export interface HelperProcess {
  readonly pid?: number | undefined;
  readonly stdin: Writable;
  readonly stdout: Readable;
  readonly stderr: Readable;
  on(event: 'close', listener: (code: number | null, signal: NodeJS.Signals | null) => void): this;
  on(event: 'error', listener: (err: NodeJS.ErrnoException) => void): this;
}

export type HelperLauncher = (command: HelperCommand) => HelperProcess;

/** Starts a real helper: stdin piped for the request and `cancel`, its own process group on POSIX. */
export function launchHelper(os: ProcessPlatform = hostPlatform): HelperLauncher {
  return (command) =>
    spawnInteractive(command.cmd, command.args, { ...(command.env ? { env: command.env } : {}), os });
}

/** Splits a stream into lines and hands each parsed JSON object on; other lines go to `other`. */
export function readJsonLines(stream: Readable, onEvent: (ev: HelperEvent) => void, other: (line: string) => void = () => {}): void {
  let pending = '';
  stream.setEncoding('utf8');
  const flush = (line: string): void => {
    const t = line.replace(/^\uFEFF/, '').trim();
    if (t === '') return;
    let v: unknown;
    try {
      v = JSON.parse(t);
    } catch {
      other(t);
      return;
    }
    if (v !== null && typeof v === 'object' && typeof (v as { type?: unknown }).type === 'string') onEvent(v as HelperEvent);
    else other(t);
  };
  stream.on('data', (c: string) => {
    pending += c;
    let nl = pending.indexOf('\n');
    while (nl >= 0) {
      flush(pending.slice(0, nl));
      pending = pending.slice(nl + 1);
      nl = pending.indexOf('\n');
    }
    if (pending.length > 1 << 20) pending = '';
  });
  stream.on('end', () => {
    flush(pending);
    pending = '';
  });
}

/** Forwards a helper's stderr log lines (JSON `{level,msg}` or plain text) to the driver's logger. */
export function forwardLog(stream: Readable, log: DriverLogger, fields: Record<string, unknown>): void {
  readJsonLines(
    stream,
    (ev) => log.info(`helper: ${String(ev.msg ?? ev.type)}`, fields),
    (line) => {
      let parsed: { level?: unknown; msg?: unknown } | null = null;
      try {
        parsed = JSON.parse(line) as { level?: unknown; msg?: unknown };
      } catch {
        /* plain text */
      }
      const msg = `helper: ${String(parsed?.msg ?? line)}`;
      if (parsed?.level === 'warn') log.warn(msg, fields);
      else if (parsed?.level === 'error') log.error(msg, fields);
      else log.info(msg, fields);
    },
  );
}

export interface CollectResult {
  events: HelperEvent[];
  code: number | null;
  timedOut: boolean;
}

/** Runs one short request (list, caps) to its end under a watchdog; TOOL_MISSING when the helper cannot start. */
export function collectHelper(
  launch: HelperLauncher,
  command: HelperCommand,
  request: Record<string, unknown>,
  opts: { timeoutMs: number; log: DriverLogger; os?: ProcessPlatform; missing: string },
): Promise<CollectResult> {
  return new Promise((resolve, reject) => {
    let child: HelperProcess;
    try {
      child = launch(command);
    } catch (err) {
      reject(new StationError('TOOL_MISSING', `${opts.missing}: ${(err as Error).message}`, { helper: command.cmd }));
      return;
    }
    const events: HelperEvent[] = [];
    let timedOut = false;
    readJsonLines(child.stdout, (ev) => events.push(ev));
    forwardLog(child.stderr, opts.log, { helper: command.args.at(-1) ?? command.cmd });
    child.stdin.on('error', () => {
      /* the helper may exit before reading: its answer says why */
    });
    child.stdin.end(`${JSON.stringify(request)}\n`);
    const timer = setTimeout(() => {
      timedOut = true;
      if (child.pid !== undefined) killTree(child.pid, 'SIGKILL', opts.os ?? hostPlatform);
    }, opts.timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      if (err.code === 'ENOENT') reject(new StationError('TOOL_MISSING', opts.missing, { helper: command.cmd }));
      else reject(err);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ events, code, timedOut });
    });
  });
}
