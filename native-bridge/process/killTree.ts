import { spawnSync } from 'node:child_process';

/**
 * What killing a process tree needs from the operating system, injectable so both branches are tested on
 * any machine.
 */
export interface ProcessPlatform {
  platform: NodeJS.Platform;
  /** `process.kill`: a negative pid addresses a POSIX process group. */
  kill(pid: number, signal: NodeJS.Signals): void;
  /** Runs a program to completion (Windows: taskkill). */
  runSync(cmd: string, args: string[]): { status: number | null };
}

export const hostPlatform: ProcessPlatform = {
  platform: process.platform,
  kill: (pid, signal) => process.kill(pid, signal),
  runSync: (cmd, args) => spawnSync(cmd, args, { stdio: 'ignore', windowsHide: true, timeout: 10_000 }),
};

/**
 * Whether a child should be the leader of its own process group. On POSIX yes (so a kill reaches everything
 * it started: scanimage's backend helpers, gs's children); on Windows `detached` would open a new console
 * instead, and taskkill /T walks the tree anyway.
 */
export const ownGroup = (platform: NodeJS.Platform = process.platform): boolean => platform !== 'win32';

/**
 * Kills a child and everything it started. POSIX: the signal goes to the process group the child leads
 * (see ownGroup), falling back to the pid alone. Windows has no signals: `taskkill /T /F` ends the whole
 * tree at once, whatever `signal` asked for. Returns false when nothing was there to kill.
 */
export function killTree(pid: number, signal: NodeJS.Signals, os: ProcessPlatform = hostPlatform): boolean {
  if (os.platform === 'win32') {
    const r = os.runSync('taskkill', ['/PID', String(pid), '/T', '/F']);
    return r.status === 0;
  }
  try {
    os.kill(-pid, signal);
    return true;
  } catch {
    try {
      os.kill(pid, signal);
      return true;
    } catch {
      return false;
    }
  }
}
