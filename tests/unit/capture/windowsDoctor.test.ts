import { describe, expect, it } from 'vitest';
import { windowsScanChecks, type WindowsProbe } from '../../../electron/core/station/windowsChecks';

/** `sohoa doctor` on Windows, with the platform injected: Windows itself did not run here. */
function probe(files: string[], sc: { status: number | null; stdout: string }, platform: NodeJS.Platform = 'win32'): WindowsProbe & { ran: string[] } {
  const ran: string[] = [];
  return {
    platform,
    env: { SystemRoot: 'C:\\Windows' },
    ran,
    exists: (p) => files.includes(p),
    run: (cmd, args) => {
      ran.push(`${cmd} ${args.join(' ')}`);
      return sc;
    },
  };
}

const RUNNING = { status: 0, stdout: 'SERVICE_NAME: stisvc\r\n        TYPE               : 30  WIN32\r\n        STATE              : 4  RUNNING\r\n' };
const STOPPED = { status: 0, stdout: 'SERVICE_NAME: stisvc\r\n        STATE              : 1  STOPPED\r\n' };
const ABSENT = { status: 1060, stdout: '[SC] EnumQueryServicesStatus:OpenService FAILED 1060:\r\n\r\nThe specified service does not exist as an installed service.\r\n' };

describe('sohoa doctor: TWAIN DSM and WIA service (platform injected; Windows itself did not run here)', () => {
  it('reports the 32-bit TWAINDSM.dll and a running WIA service as found', () => {
    const p = probe(['C:\\Windows\\SysWOW64\\TWAINDSM.dll'], RUNNING);
    const [dsm, wia] = windowsScanChecks(p);
    expect(dsm).toMatchObject({ id: 'twain-dsm', status: 'ok', path: 'C:\\Windows\\SysWOW64\\TWAINDSM.dll' });
    expect(wia).toMatchObject({ id: 'wia-service', status: 'ok' });
    expect(p.ran).toEqual(['sc query stisvc']);
  });

  it('says what to do when the DSM is missing and the WIA service is stopped', () => {
    const [dsm, wia] = windowsScanChecks(probe([], STOPPED));
    expect(dsm).toMatchObject({ status: 'warn', fix: expect.stringContaining('TWAINDSM.dll') });
    expect(dsm?.detail).toContain('C:\\Windows\\System32\\TWAINDSM.dll');
    expect(wia).toMatchObject({ status: 'warn', detail: 'stisvc is STOPPED', fix: expect.stringContaining('sc start stisvc') });
  });

  it('accepts the legacy twain_32.dll and reports an uninstalled WIA service', () => {
    const [dsm, wia] = windowsScanChecks(probe(['C:\\Windows\\twain_32.dll'], ABSENT));
    expect(dsm?.status).toBe('ok');
    expect(wia).toMatchObject({ status: 'warn', detail: 'stisvc is not installed' });
  });

  it('adds nothing on Linux', () => {
    const p = probe([], RUNNING, 'linux');
    expect(windowsScanChecks(p)).toEqual([]);
    expect(p.ran).toEqual([]);
  });
});
