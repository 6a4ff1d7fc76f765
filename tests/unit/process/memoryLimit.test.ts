import { describe, expect, it } from 'vitest';
import { runProcess, withMemoryLimit } from '../../../native-bridge/process/run';
import { hostPlatform } from '../../../native-bridge/process/killTree';
import { tempDir } from '../../helpers/tmp';

describe('memory ceiling for converters', () => {
  it('wraps the program in prlimit --as on Linux, in the job-object helper on Windows, and leaves it alone elsewhere (platform injected)', () => {
    const linux = { ...hostPlatform, platform: 'linux' as const };
    const win = { ...hostPlatform, platform: 'win32' as const };
    const mac = { ...hostPlatform, platform: 'darwin' as const };
    expect(withMemoryLimit('gs', ['-q'], { memoryLimitBytes: 1024 ** 3, os: linux })).toEqual(['prlimit', ['--as=1073741824', '--', 'gs', '-q']]);
    expect(withMemoryLimit('gs', ['-q'], { memoryLimitBytes: 1024 ** 3, os: win, jobHelper: 'C:\\h\\sohoa-jobrun.exe' })).toEqual(['C:\\h\\sohoa-jobrun.exe', ['1073741824', 'gs', '-q']]);
    expect(withMemoryLimit('gs', ['-q'], { memoryLimitBytes: 1024 ** 3, os: mac })).toEqual(['gs', ['-q']]);
    expect(withMemoryLimit('gs', ['-q'], { os: linux })).toEqual(['gs', ['-q']]);
    // A checkout whose helpers were never built: no helper to start, the tool runs as before (watchdog only).
    const before = process.env.SOHOA_WINDOWS_HELPERS_DIR;
    process.env.SOHOA_WINDOWS_HELPERS_DIR = tempDir('sohoa-no-helpers-');
    try {
      expect(withMemoryLimit('gs', ['-q'], { memoryLimitBytes: 1024 ** 3, os: win })).toEqual(['gs', ['-q']]);
    } finally {
      if (before === undefined) delete process.env.SOHOA_WINDOWS_HELPERS_DIR;
      else process.env.SOHOA_WINDOWS_HELPERS_DIR = before;
    }
  });

  it('the child really runs under the ceiling (its own ulimit -v says so)', async () => {
    const r = await runProcess('sh', ['-c', 'ulimit -v'], { timeoutMs: 30_000, memoryLimitBytes: 512 * 1024 ** 2 });
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(String(512 * 1024));
    const free = await runProcess('sh', ['-c', 'ulimit -v'], { timeoutMs: 30_000 });
    expect(free.stdout.trim()).toBe('unlimited');
  });

  it('a program that asks for more than the ceiling fails inside itself', async () => {
    const r = await runProcess('python3', ['-c', 'b = bytearray(800 * 1024 * 1024); print(len(b))'], { timeoutMs: 60_000, memoryLimitBytes: 300 * 1024 ** 2 });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/MemoryError/);
  });
});
