import { describe, expect, it } from 'vitest';
import { childEnv, isAllowedChildVar } from '../../../native-bridge/process/childEnv';
import { killTree, ownGroup, type ProcessPlatform } from '../../../native-bridge/process/killTree';
import { runProcess, runProcessSync, spawnInteractive } from '../../../native-bridge/process/run';
import { isAlive } from '../../../native-bridge/processes';

/** A recording platform: what killTree asked the operating system to do (test double for Windows). */
function recording(platform: NodeJS.Platform, failGroup = false): ProcessPlatform & { calls: string[] } {
  const calls: string[] = [];
  return {
    platform,
    calls,
    kill: (pid, signal) => {
      calls.push(`kill ${pid} ${signal}`);
      if (failGroup && pid < 0) throw Object.assign(new Error('ESRCH'), { code: 'ESRCH' });
    },
    runSync: (cmd, args) => {
      calls.push(`${cmd} ${args.join(' ')}`);
      return { status: 0 };
    },
  };
}

describe('killTree (platform injected)', () => {
  it('signals the process group on POSIX', () => {
    const os = recording('linux');
    expect(killTree(1234, 'SIGKILL', os)).toBe(true);
    expect(os.calls).toEqual(['kill -1234 SIGKILL']);
  });

  it('falls back to the pid alone when the child leads no group', () => {
    const os = recording('darwin', true);
    expect(killTree(1234, 'SIGINT', os)).toBe(true);
    expect(os.calls).toEqual(['kill -1234 SIGINT', 'kill 1234 SIGINT']);
  });

  it('ends the whole tree with taskkill /T /F on Windows (double: no Windows here)', () => {
    const os = recording('win32');
    expect(killTree(4321, 'SIGINT', os)).toBe(true);
    expect(os.calls).toEqual(['taskkill /PID 4321 /T /F']);
  });

  it('puts children in their own group on POSIX only', () => {
    expect(ownGroup('linux')).toBe(true);
    expect(ownGroup('win32')).toBe(false);
  });
});

describe('childEnv', () => {
  it('passes tool variables and drops the station secrets', () => {
    const env = childEnv(
      { SANE_CONFIG_DIR: '/x/sane', TZ: 'Asia/Ho_Chi_Minh', SOHOA_SNEAKY: 'no' },
      { PATH: '/usr/bin', LC_ALL: 'C.UTF-8', SOHOA_BRIDGE_TOKEN: 't0k', SOHOA_TSA_PASSWORD: 'pw', AWS_SECRET_ACCESS_KEY: 'k', TZ: 'UTC' },
    );
    expect(env).toEqual({ PATH: '/usr/bin', LC_ALL: 'C.UTF-8', SANE_CONFIG_DIR: '/x/sane', TZ: 'Asia/Ho_Chi_Minh' });
  });

  it('knows the Windows essentials', () => {
    for (const k of ['SystemRoot', 'PATHEXT', 'LOCALAPPDATA', 'WINEPREFIX']) expect(isAllowedChildVar(k), k).toBe(true);
    expect(isAllowedChildVar('SOHOA_DATA_DIR')).toBe(false);
  });
});

describe('runProcess', () => {
  it('gives the child only the allow-listed environment', async () => {
    process.env.SOHOA_BRIDGE_TOKEN_TEST_LEAK = 'secret';
    try {
      const r = await runProcess('env', [], { timeoutMs: 30_000, env: { SANE_CONFIG_DIR: '/tmp/sane' } });
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('SANE_CONFIG_DIR=/tmp/sane');
      expect(r.stdout).toContain('PATH=');
      expect(r.stdout).not.toContain('SOHOA_');
    } finally {
      delete process.env.SOHOA_BRIDGE_TOKEN_TEST_LEAK;
    }
  });

  it('kills the whole process tree when the watchdog fires', async () => {
    // The shell starts a grandchild that would outlive a kill of the shell alone.
    const r = await runProcess('sh', ['-c', 'sleep 300 & echo $!; wait'], { timeoutMs: 3000 });
    expect(r.timedOut).toBe(true);
    expect(r.signal).toBe('SIGKILL');
    const grandchild = Number(r.stdout.trim());
    expect(grandchild).toBeGreaterThan(0);
    const deadline = Date.now() + 10_000;
    while (isAlive(grandchild) && Date.now() < deadline) await new Promise((res) => setTimeout(res, 20));
    expect(isAlive(grandchild)).toBe(false);
  });

  it('reports a program that is not installed as TOOL_MISSING', async () => {
    await expect(runProcess('sohoa-no-such-tool', [], { timeoutMs: 5000, missing: 'the tool is missing' })).rejects.toMatchObject({
      code: 'TOOL_MISSING',
      message: 'the tool is missing',
    });
  });

  it('streams stdout lines to onLine and bounds collected output', async () => {
    const lines: string[] = [];
    const r = await runProcess('sh', ['-c', 'printf "a\\nb\\nc"; printf "xxxxxxxxxx" >&2'], { timeoutMs: 30_000, onLine: (l) => lines.push(l), maxOutput: 4 });
    expect(lines).toEqual(['a', 'b', 'c']);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('xxxx');
  });
});

describe('runProcessSync (the DPAPI key and the doctor probes)', () => {
  it('writes the input to stdin and gives the child only the allow-listed environment', () => {
    process.env.SOHOA_KEY_TEST_LEAK = 'secret';
    try {
      const r = runProcessSync('sh', ['-c', 'cat; env'], { timeoutMs: 30_000, input: 'c2VjcmV0LWtleQ==\n', env: { OMP_THREAD_LIMIT: '1' } });
      expect(r.code).toBe(0);
      expect(r.stdout.startsWith('c2VjcmV0LWtleQ==\n')).toBe(true);
      expect(r.stdout).toContain('OMP_THREAD_LIMIT=1');
      expect(r.stdout).not.toContain('SOHOA_');
    } finally {
      delete process.env.SOHOA_KEY_TEST_LEAK;
    }
  });

  it('says when the program is missing and when the watchdog stopped it', () => {
    const missing = runProcessSync('sohoa-no-such-tool', [], { timeoutMs: 5000 });
    expect([missing.code, missing.error?.code]).toEqual([null, 'ENOENT']);
    const slow = runProcessSync('sleep', ['30'], { timeoutMs: 300 });
    expect(slow.timedOut).toBe(true);
    expect(slow.code).toBeNull();
  });
});

describe('spawnInteractive (the Windows scan helpers)', () => {
  it('pipes stdin to a child in its own process group with the allow-listed environment', async () => {
    process.env.SOHOA_HELPER_TEST_LEAK = 'secret';
    try {
      const child = spawnInteractive('sh', ['-c', 'read line; echo "got $line"; cut -d" " -f5 /proc/$$/stat; env']);
      let out = '';
      child.stdout.on('data', (c: Buffer) => (out += c.toString()));
      child.stdin.end('cancel\n');
      const code = await new Promise<number | null>((res) => child.on('close', res));
      expect(code).toBe(0);
      expect(out).toContain('got cancel');
      expect(Number(out.split('\n')[1]!.trim())).toBe(child.pid);
      expect(out).not.toContain('SOHOA_');
    } finally {
      delete process.env.SOHOA_HELPER_TEST_LEAK;
    }
  });
});
