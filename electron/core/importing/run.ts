import { spawn } from 'node:child_process';
import { StationError } from '../../common/errors';

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Combined stdout+stderr, truncated to `maxOutput` characters (tools can be chatty on hostile input). */
  output: string;
  timedOut: boolean;
}

export interface RunOptions {
  timeoutMs: number;
  env?: NodeJS.ProcessEnv;
  maxOutput?: number;
  /** Called per stdout line instead of collecting stdout (bounded memory on big outputs). */
  onLine?: (line: string) => void;
}

/**
 * Runs an external program (qpdf, gs) in its own process group with a watchdog: on timeout the whole
 * group is SIGKILLed. A missing program is TOOL_MISSING.
 */
export function runTool(cmd: string, args: string[], opts: RunOptions): Promise<RunResult> {
  const max = opts.maxOutput ?? 64 * 1024;
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true, env: opts.env ?? process.env });
    let output = '';
    let pending = '';
    let timedOut = false;
    const keep = (s: string): void => {
      if (output.length < max) output += s.slice(0, max - output.length);
    };
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (c: string) => {
      if (!opts.onLine) return keep(c);
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
    child.stderr.on('data', (c: string) => keep(c));
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }, opts.timeoutMs);
    child.on('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      if (err.code === 'ENOENT') reject(new StationError('TOOL_MISSING', `${cmd} is not installed`, { tool: cmd }));
      else reject(err);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (opts.onLine && pending !== '') opts.onLine(pending);
      resolve({ code, signal, output, timedOut });
    });
  });
}
