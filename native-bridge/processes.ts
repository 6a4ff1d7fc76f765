import { readdirSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';

/**
 * Driver processes run in their own process group (so the watchdog can kill everything they started).
 * After a crash of the service they may survive as orphans: find them by an argument that names our spool
 * directory, and kill their groups before touching the spool (Linux /proc).
 */
export interface FoundProcess {
  pid: number;
  pgid: number;
  argv: string[];
}

export function findProcesses(program: string, marker: string): FoundProcess[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  const out: FoundProcess[] = [];
  for (const e of entries) {
    if (!/^\d+$/.test(e)) continue;
    const pid = Number(e);
    if (pid === process.pid) continue;
    try {
      const argv = readFileSync(`/proc/${e}/cmdline`, 'latin1').split('\0').filter((a) => a.length > 0);
      if (argv.length === 0 || basename(argv[0]!) !== program) continue;
      if (!argv.some((a) => a.includes(marker))) continue;
      const stat = readFileSync(`/proc/${e}/stat`, 'latin1');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (fields[0] === 'Z') continue; // a zombie is already dead
      out.push({ pid, pgid: Number(fields[2]), argv });
    } catch {
      /* gone meanwhile */
    }
  }
  return out;
}

export function killGroup(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

export function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/** SIGKILLs the groups of matching processes and waits (≤ 5 s) until they are gone. Returns the pids. */
export async function killOrphans(program: string, marker: string): Promise<number[]> {
  const found = findProcesses(program, marker);
  for (const p of found) {
    if (!killGroup(p.pgid, 'SIGKILL')) {
      try {
        process.kill(p.pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
  }
  const deadline = Date.now() + 5000;
  while (found.some((p) => isAlive(p.pid)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  return found.map((p) => p.pid);
}
