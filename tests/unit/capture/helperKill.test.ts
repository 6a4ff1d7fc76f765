import { EventEmitter } from 'node:events';
import { PassThrough, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { scanProfileSchema } from '../../../electron/common/capture';
import type { ProcessPlatform } from '../../../native-bridge/process/killTree';
import type { HelperProcess } from '../../../native-bridge/windows/helperProcess';
import { TwainDriver } from '../../../native-bridge/windows/twain/driver';
import { tempDir } from '../../helpers/tmp';

/**
 * The Windows scan helpers are killed as a whole process tree through the runner's platform seam (issue 11's
 * killTree). Test double: Windows did not run here — the platform says win32 and records the taskkill the
 * watchdog asks for; the "helper" is a silent stand-in that dies when taskkill reaches it.
 */
function silentHelper(pid: number): { launch: () => HelperProcess; os: ProcessPlatform & { calls: string[] } } {
  const emitter = new EventEmitter();
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const stdin = new Writable({ write: (_c, _e, cb) => cb() });
  const proc = Object.assign(emitter, { pid, stdin, stdout, stderr }) as unknown as HelperProcess;
  const calls: string[] = [];
  const os: ProcessPlatform & { calls: string[] } = {
    platform: 'win32',
    calls,
    kill: (p, s) => calls.push(`kill ${p} ${s}`),
    runSync: (cmd, args) => {
      calls.push(`${cmd} ${args.join(' ')}`);
      if (cmd === 'taskkill' && args[1] === String(pid)) {
        stdout.end();
        stderr.end();
        setImmediate(() => emitter.emit('close', 1, null));
      }
      return { status: 0 };
    },
  };
  // The helper says it is ready, then hangs (a driver stuck inside DAT_IMAGEMEMXFER).
  setImmediate(() => stdout.write('{"type":"ready","helper":"twain","arch":"x86"}\n{"type":"page-started","seq":1}\n'));
  return { launch: () => proc, os };
}

describe('TWAIN helper watchdog (win32 platform injected; Windows itself did not run here)', () => {
  it('kills the silent helper with taskkill /T /F and reports SCANNER_HANG', async () => {
    const { launch, os } = silentHelper(4242);
    const driver = new TwainDriver({ helpers: [{ arch: 'x86', exe: 'C:\\sohoa\\sohoa-twain-x86.exe', command: { cmd: 'C:\\sohoa\\sohoa-twain-x86.exe', args: [] } }], launch, os });
    const profile = scanProfileSchema.parse({ name: 't', pixelType: 'color', resolution: 200, source: 'feeder' });
    const run = driver.scan('twain:x86:Canon DR-C225', profile, { spoolDir: tempDir('sohoa-kill-'), firstSeq: 1, watchdogMs: 300, midBatch: false });
    const end = await run.done;
    expect(end).toMatchObject({ reason: 'fault', fault: { code: 'SCANNER_HANG', seq: 1, continuable: true } });
    expect(os.calls).toEqual(['taskkill /PID 4242 /T /F']);
  });
});
