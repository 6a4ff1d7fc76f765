import { chmodSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { StationError } from '../../../electron/common/errors';
import { keySource, loadOrCreateKeys, readKeys, recoverKey, type Dpapi } from '../../../electron/core/security/keys';
import { tempDir } from '../../helpers/tmp';

/** Test double for machine-scope DPAPI: Windows itself does not run here. It XORs, so sealed ≠ plain. */
const fakeDpapi = (): Dpapi & { calls: string[] } => {
  const calls: string[] = [];
  const x = (b: Buffer): Buffer => Buffer.from(b.map((v) => v ^ 0x5a));
  return { calls, protect: (b) => (calls.push('protect'), Buffer.concat([Buffer.from('DPAPI'), x(b)])), unprotect: (b) => (calls.push('unprotect'), x(b.subarray(5))) };
};

describe('where the station key is kept (platform injected)', () => {
  it('picks SOHOA_KEY_FILE, then a systemd credential, then DPAPI on win32, /etc for the installed dir, else beside the data dir', () => {
    expect(keySource('/d', { env: { SOHOA_KEY_FILE: '/k' }, platform: 'linux' })).toMatchObject({ kind: 'env-file', path: '/k' });
    expect(keySource('C:\\ProgramData\\SoHoa Station', { env: {}, platform: 'win32' })).toMatchObject({ kind: 'dpapi', creatable: true });
    expect(keySource('/var/lib/sohoa-station', { env: {}, platform: 'linux' })).toMatchObject({ kind: 'root-file', path: '/etc/sohoa-station/key' });
    expect(keySource('/home/it/.local/share/sohoa-station', { env: {}, platform: 'linux' })).toMatchObject({ kind: 'user-file', path: '/home/it/.local/share/sohoa-station.key' });
    const creds = tempDir();
    expect(keySource('/d', { env: { CREDENTIALS_DIRECTORY: creds }, platform: 'linux' }).kind).toBe('user-file'); // no credential of that name
  });

  it('on Windows seals the key with machine-scope DPAPI in the data directory (test double: Windows did not run here)', () => {
    const dataDir = tempDir();
    const dpapi = fakeDpapi();
    const made = loadOrCreateKeys(dataDir, false, { platform: 'win32', env: {}, dpapi });
    expect(made.source.kind).toBe('dpapi');
    expect(made.recoveryKey).toMatch(/^[A-Z2-9]{4}(-[A-Z2-9]{4}){12}$/);
    const sealed = readFileSync(join(dataDir, 'keys', 'station.key.dpapi'));
    expect(sealed.subarray(0, 5).toString()).toBe('DPAPI');
    const again = readKeys(dataDir, { platform: 'win32', env: {}, dpapi });
    expect(again?.db.equals(made.db)).toBe(true);
    expect(again?.recoveryKey).toBeUndefined();
    expect(dpapi.calls).toEqual(['protect', 'unprotect']);
  });

  it('derives independent sub-keys, refuses a key file readable by others, and never replaces a key over encrypted data', () => {
    const dataDir = tempDir();
    const k = loadOrCreateKeys(dataDir, false, { env: {}, platform: 'linux' });
    expect(new Set([k.db.toString('hex'), k.blobs.toString('hex'), k.audit.toString('hex')]).size).toBe(3);
    chmodSync(`${dataDir}.key`, 0o644);
    expect(() => readKeys(dataDir, { env: {}, platform: 'linux' })).toThrow(expect.objectContaining({ code: 'KEY_INSECURE' }));
    chmodSync(`${dataDir}.key`, 0o600);
    rmSync(`${dataDir}.key`);
    try {
      loadOrCreateKeys(dataDir, true, { env: {}, platform: 'linux' });
      throw new Error('expected KEY_MISSING');
    } catch (err) {
      expect((err as StationError).code).toBe('KEY_MISSING');
    }
    expect(existsSync(`${dataDir}.key`)).toBe(false);
    const restored = recoverKey(dataDir, k.recoveryKey!, { env: {}, platform: 'linux' });
    expect(restored.kind).toBe('user-file');
    expect(readKeys(dataDir, { env: {}, platform: 'linux' })?.audit.equals(k.audit)).toBe(true);
  });
});
