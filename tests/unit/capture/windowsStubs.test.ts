import { describe, expect, it } from 'vitest';
import { scanProfileSchema } from '../../../electron/common/capture';
import { StationError } from '../../../electron/common/errors';
import { twainDriverStub, wiaDriverStub } from '../../../native-bridge/windows/stubs';

// Test double territory: WIA and TWAIN cannot run here (no Windows); these are the placeholder drivers.
describe('WIA/TWAIN placeholder drivers (stubs: no Windows here)', () => {
  for (const make of [wiaDriverStub, twainDriverStub]) {
    it(`${make().kind}: offers no device and refuses operations with UNSUPPORTED`, async () => {
      const d = make('win32');
      const av = await d.available();
      expect(av.ok).toBe(false);
      expect(av.reason).toMatch(/helper/);
      expect((await make('linux').available()).reason).toMatch(/Windows only/);
      expect(await d.listDevices()).toEqual([]);
      await expect(d.capabilities('x')).rejects.toMatchObject({ code: 'UNSUPPORTED' });
      const profile = scanProfileSchema.parse({ name: 'p', pixelType: 'color', resolution: 200, source: 'flatbed' });
      expect(() => d.scan('x', profile, { spoolDir: '/nonexistent', firstSeq: 1, watchdogMs: 1000, midBatch: false })).toThrow(StationError);
    });
  }
});
