import { existsSync } from 'node:fs';
import { win32 } from 'node:path';
import { runProcessSync } from '../../../native-bridge/process/run';
import type { Check } from './doctor';

/** What the Windows checks read from the machine; injectable so they are tested on any OS. */
export interface WindowsProbe {
  platform: NodeJS.Platform;
  env: NodeJS.ProcessEnv;
  exists(path: string): boolean;
  run(cmd: string, args: string[]): { status: number | null; stdout: string };
}

export const hostWindowsProbe: WindowsProbe = {
  platform: process.platform,
  env: process.env,
  exists: existsSync,
  run: (cmd, args) => {
    const r = runProcessSync(cmd, args, { timeoutMs: 10_000 });
    return { status: r.code, stdout: r.stdout };
  },
};

/**
 * What Windows scanning needs beyond the station's own helpers: a TWAIN Data Source Manager (TWAINDSM.dll,
 * 32-bit in SysWOW64 for the usual 32-bit scanner drivers, 64-bit in System32; or Microsoft's legacy
 * twain_32.dll) and the Windows Image Acquisition service (stisvc) running for WIA. Nothing on other systems.
 */
export function windowsScanChecks(probe: WindowsProbe = hostWindowsProbe): Check[] {
  if (probe.platform !== 'win32') return [];
  const root = probe.env.SystemRoot ?? probe.env.SYSTEMROOT ?? probe.env.windir ?? 'C:\\Windows';
  const candidates = [win32.join(root, 'SysWOW64', 'TWAINDSM.dll'), win32.join(root, 'System32', 'TWAINDSM.dll'), win32.join(root, 'twain_32.dll')];
  const found = candidates.filter((p) => probe.exists(p));
  const dsm: Check = {
    id: 'twain-dsm',
    label: 'TWAIN Data Source Manager (TWAINDSM.dll / twain_32.dll)',
    kind: 'runtime',
    required: false,
    status: found.length > 0 ? 'ok' : 'warn',
    ...(found.length > 0
      ? { path: found.join('; ') }
      : {
          detail: `none of ${candidates.join(', ')}`,
          fix: "install the scanner maker's TWAIN driver package, which brings TWAINDSM.dll (or the TWAIN Working Group's TWAINDSM installer, 32- and 64-bit)",
        }),
  };
  const q = probe.run('sc', ['query', 'stisvc']);
  const state = /STATE\s*:\s*\d+\s+(\w+)/.exec(q.stdout)?.[1];
  const wia: Check = {
    id: 'wia-service',
    label: 'Windows Image Acquisition service (stisvc)',
    kind: 'runtime',
    required: false,
    status: state === 'RUNNING' ? 'ok' : 'warn',
    ...(state === 'RUNNING'
      ? {}
      : {
          detail: q.status === 0 ? `stisvc is ${state ?? 'in an unknown state'}` : 'stisvc is not installed',
          fix: 'as administrator: sc config stisvc start= auto && sc start stisvc (Services: "Windows Image Acquisition (WIA)", startup Automatic)',
        }),
  };
  return [dsm, wia];
}
