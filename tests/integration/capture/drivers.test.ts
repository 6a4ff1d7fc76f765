import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createDriverRegistry } from '../../../electron/core/capture/drivers';
import { driverChecks } from '../../../electron/core/station/doctor';
import { DriverRegistry, parseDeviceId } from '../../../native-bridge/registry';
import { SaneDriver } from '../../../native-bridge/sane/driver';
import { twainDriver, wiaDriver } from '../../../native-bridge/windows/drivers';
import { tempDir } from '../../helpers/tmp';

// Only the test backend: listing every system backend probes the network.
process.env.SOHOA_SANE_BACKENDS = '';
process.env.SOHOA_ESCL_DISCOVERY = '0';

describe('driver registry', () => {
  it('merges the devices of every driver that can run here, ids as <driver>:<id>', async () => {
    const reg = createDriverRegistry({ saneDir: join(tempDir('sohoa-drivers-'), 'sane'), demo: true, platform: 'linux' });
    expect(reg.all().map((d) => d.kind)).toEqual(['sane', 'escl', 'wia', 'twain']);
    const devices = await reg.listDevices(true);
    expect(devices.map((d) => d.id)).toContain('sane:test:0');
    for (const d of devices) expect(parseDeviceId(d.id)?.kind).toBe(d.driver);
    expect(reg.normalise('test:0')).toBe('sane:test:0');
    expect(reg.driverFor('test:0').kind).toBe('sane');
    expect(reg.driverFor('wia:{6BDD1FC6}\\0000').kind).toBe('wia');
    expect(reg.driverFor('escl:4509a320-00a0-008f-00b6-00559a327d32').kind).toBe('escl');
    expect(() => new DriverRegistry([]).driverFor('escl:printer-1')).toThrow(/no driver/);
  });

  it('says per driver whether it runs here and why not (what sohoa doctor shows)', async () => {
    const reg = new DriverRegistry([new SaneDriver({ env: {}, program: 'sohoa-no-such-scanimage' }), wiaDriver({ platform: 'linux' }), twainDriver({ platform: 'win32', env: { SOHOA_WINDOWS_HELPERS_DIR: '/nonexistent' } })]);
    const checks = await driverChecks(reg);
    expect(checks.map((c) => [c.id, c.status])).toEqual([
      ['driver-sane', 'warn'],
      ['driver-wia', 'warn'],
      ['driver-twain', 'warn'],
    ]);
    expect(checks[0]!.detail).toMatch(/sohoa-no-such-scanimage is not installed/);
    expect(checks[1]!.detail).toMatch(/Windows only/);
    expect(checks[2]!.detail).toMatch(/helper/);
    // No driver can run: the device list says why instead of an empty list.
    await expect(reg.listDevices()).rejects.toMatchObject({ code: 'TOOL_MISSING', message: expect.stringContaining('sane: sohoa-no-such-scanimage is not installed') });
  });

  it('refuses two drivers of the same kind', () => {
    expect(() => new DriverRegistry([wiaDriver({ platform: 'linux' }), wiaDriver({ platform: 'win32' })])).toThrow(/already registered/);
  });
});
