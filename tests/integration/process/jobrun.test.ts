import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostPlatform } from '../../../native-bridge/process/killTree';
import { JOB_HELPER, runProcess, withMemoryLimit } from '../../../native-bridge/process/run';
import { winePath } from '../../../native-bridge/windows/twain/driver';
import { ensureBuilt, HELPERS_DIR, ROOT } from '../../fixtures/twain/rig';
import { tempDir } from '../../helpers/tmp';

const MiB = 1024 * 1024;
const win = { ...hostPlatform, platform: 'win32' as const };

/**
 * The Windows memory ceiling for converters: sohoa-jobrun.exe (mingw-built, no binary in git) runs the tool
 * in a job object with JOB_OBJECT_LIMIT_PROCESS_MEMORY. Windows itself cannot run here: the helper runs under
 * Wine in a private WINEPREFIX. Wine 8 keeps the job's limit without enforcing it, so what ends the child here
 * is the helper's own watch over the job's peak commit; on Windows the job refuses the allocation first.
 */
describe('job-object memory ceiling for converters (Windows helper run under Wine)', () => {
  let dir: string;
  let env: Record<string, string>;
  let allocExe: string;
  const helper = (): string => winePath(join(HELPERS_DIR, JOB_HELPER));

  beforeAll(() => {
    ensureBuilt();
    dir = tempDir('sohoa-jobrun-', { scope: 'file' });
    allocExe = join(dir, 'allocate.exe');
    execFileSync('x86_64-w64-mingw32-gcc', ['-O2', '-o', allocExe, join(ROOT, 'tests/fixtures/windows/allocate.c')]);
    env = { WINEPREFIX: join(dir, 'wineprefix'), WINEDEBUG: '-all', WINEDLLOVERRIDES: 'mscoree,mshtml=' };
    // The slow first start of Wine creates the prefix (headless: the null graphics driver), waited on once.
    execFileSync('wine', ['reg', 'add', 'HKCU\\Software\\Wine\\Drivers', '/v', 'Graphics', '/d', 'null', '/f'], { env: { ...process.env, ...env }, stdio: 'pipe', timeout: 600_000 });
    spawnSync('wineserver', ['-w'], { env: { ...process.env, ...env }, timeout: 600_000 });
  }, 660_000);

  afterAll(() => {
    // Ends the wineserver of this prefix only.
    if (env) spawnSync('wineserver', ['-k'], { env: { ...process.env, ...env }, timeout: 60_000 });
  });

  /** What the runner starts on Windows (withMemoryLimit with the win32 platform), started through Wine. */
  async function runLimited(limitBytes: number, args: string[]) {
    const [program, argv] = withMemoryLimit(winePath(allocExe), args, { memoryLimitBytes: limitBytes, os: win, jobHelper: helper() });
    expect(program).toBe(helper());
    return runProcess('wine', [program, ...argv], { timeoutMs: 240_000, env });
  }

  it('wraps the program on Windows: helper, ceiling, then the command line unchanged', () => {
    expect(withMemoryLimit('gswin64c.exe', ['-q', 'a b.pdf'], { memoryLimitBytes: 2 * 1024 ** 3, os: win, jobHelper: 'C:\\SoHoa\\sohoa-jobrun.exe' })).toEqual([
      'C:\\SoHoa\\sohoa-jobrun.exe',
      ['2147483648', 'gswin64c.exe', '-q', 'a b.pdf'],
    ]);
  });

  it('lets a child stay under the ceiling and passes its arguments through verbatim', async () => {
    const r = await runLimited(256 * MiB, ['96', 'ho so "A" 2026.pdf']);
    expect(r.code, r.output).toBe(0);
    expect(r.stdout).toContain('ARG=ho so "A" 2026.pdf');
    expect(r.stdout).toContain('ALLOCATED 96 MiB');
  });

  it('ends a child that allocates past the ceiling: it never gets its memory', async () => {
    const r = await runLimited(256 * MiB, ['1024']);
    expect(r.stdout).not.toContain('ALLOCATED');
    // 137: the helper's watch ended it (Wine); 3: the job refused the allocation (Windows).
    expect([137, 3], r.output).toContain(r.code);
  });

  it('reports a program that cannot be started (exit 127) and a malformed ceiling (exit 125)', async () => {
    const missing = await runProcess('wine', [helper(), String(256 * MiB), 'Z:\\no\\such\\tool.exe'], { timeoutMs: 240_000, env });
    expect(missing.code).toBe(127);
    expect(missing.stderr).toContain('cannot start the program');
    const bad = await runProcess('wine', [helper(), '12x', winePath(allocExe)], { timeoutMs: 240_000, env });
    expect(bad.code).toBe(125);
  });
});
