import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, parentPid, startService, type RunningService } from '../../helpers/cli';

/**
 * `sohoa serve` started by hand (a terminal, a systemd unit without Environment=) bounds its memory itself:
 * bin/sohoa.mjs re-runs it with glibc's malloc tunables, which only act when set before the process starts.
 * What is checked is the environment the kernel gave the serving process (/proc/<pid>/environ).
 */

let work: string;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'sohoa-serve-memory-'));
});

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

function environOf(pid: number): Map<string, string> {
  const pairs = readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0').filter(Boolean);
  return new Map(pairs.map((p) => [p.slice(0, p.indexOf('=')), p.slice(p.indexOf('=') + 1)]));
}

function exitOf(svc: RunningService): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve) => {
    if (svc.child.exitCode !== null || svc.child.signalCode !== null) resolve({ code: svc.child.exitCode, signal: svc.child.signalCode });
    else svc.child.once('exit', (code, signal) => resolve({ code, signal }));
  });
}

const NO_TUNABLES = { MALLOC_ARENA_MAX: undefined, MALLOC_TRIM_THRESHOLD_: undefined };

describe('sohoa serve started without malloc tunables', () => {
  it('serves from a process that has them and stops cleanly on SIGTERM to the whole group', async () => {
    const svc = await startService(join(work, 'plain'), [], NO_TUNABLES);
    const stopped = exitOf(svc);
    try {
      expect(svc.servicePid).not.toBe(svc.child.pid); // re-run: the started process only waits
      expect(parentPid(svc.servicePid)).toBe(svc.child.pid);
      const env = environOf(svc.servicePid);
      expect(env.get('MALLOC_ARENA_MAX')).toBe('2');
      expect(env.get('MALLOC_TRIM_THRESHOLD_')).toBe('1048576');
      expect(env.get('SOHOA_DATA_DIR')).toBe(join(work, 'plain')); // the rest of the caller's environment is kept
      const listed = await api(svc, 'dossiers.list', {}); // it serves (signed in through the setup link)
      expect(listed.status).toBe(200);
    } finally {
      await svc.stop(); // SIGTERM to the group: the service gets it twice (group + passed on)
    }
    // Exit code 0 is serve's own return after closing the database; a second SIGTERM ending it would show as a signal.
    expect(await stopped).toEqual({ code: 0, signal: null });
  }, 120_000);

  it('keeps the tunables a caller set, runs in the started process and passes on a SIGTERM sent to it alone', async () => {
    const svc = await startService(join(work, 'caller-set'), [], { MALLOC_ARENA_MAX: '4', MALLOC_TRIM_THRESHOLD_: undefined });
    const stopped = exitOf(svc);
    try {
      expect(svc.servicePid).toBe(svc.child.pid);
      expect(environOf(svc.servicePid).get('MALLOC_ARENA_MAX')).toBe('4');
    } finally {
      svc.child.kill('SIGTERM');
      await Promise.race([stopped, new Promise((r) => setTimeout(r, 60_000))]);
      await svc.kill();
    }
    expect(await stopped).toEqual({ code: 0, signal: null });

    // Re-run again without tunables, and stop it by signalling only the process that was started.
    const again = await startService(join(work, 'caller-set'), [], NO_TUNABLES, 60_000, { signIn: false });
    const againStopped = exitOf(again);
    const served = again.servicePid;
    try {
      expect(served).not.toBe(again.child.pid);
      again.child.kill('SIGTERM');
      expect(await Promise.race([againStopped, new Promise((r) => setTimeout(() => r('timeout'), 60_000))])).toEqual({ code: 0, signal: null });
      // The serving child is gone too (no orphan left holding the data directory).
      expect(parentPid(served)).toBeUndefined();
    } finally {
      await again.kill();
    }
  }, 180_000);
});
