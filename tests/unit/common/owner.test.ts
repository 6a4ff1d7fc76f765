import { describe, expect, it } from 'vitest';
import { checkCccd, checkOwnerId, CCCD_PROVINCE_CODES } from '../../../electron/common/owner';

const NOW = new Date('2026-11-25T00:00:00+07:00');

describe('owner identifiers (CCCD per TT 07/2016, tax codes)', () => {
  it('accepts a Hà Nội CCCD of a man born in 1999 and decodes it', () => {
    expect(checkCccd('001099012345', NOW)).toEqual({ valid: true, type: 'cccd', province: 'Hà Nội', birthYear: 1999, sex: 'male' });
  });

  it('decodes the century/sex digit: 3 = woman born in the 2000s', () => {
    const r = checkCccd('079305000001', NOW);
    expect(r).toMatchObject({ valid: true, province: 'Hồ Chí Minh', birthYear: 2005, sex: 'female' });
  });

  it('refuses an unknown province code (003 was never issued)', () => {
    expect(checkCccd('003099012345', NOW)).toMatchObject({ valid: false });
  });

  it('refuses a birth year in the future', () => {
    expect(checkCccd('001299012345', NOW)).toMatchObject({ valid: false, reason: expect.stringContaining('future') });
  });

  it('refuses wrong lengths and non-digits', () => {
    for (const bad of ['00109901234', '0010990123456', '00109901234A', '']) expect(checkCccd(bad, NOW).valid).toBe(false);
  });

  it('knows the 63 province codes of TT 07/2016', () => {
    expect(Object.keys(CCCD_PROVINCE_CODES)).toHaveLength(63);
  });

  it('treats 10-digit and branch tax codes as organisations, 9 digits as CMND only when asked', () => {
    expect(checkOwnerId('0101234567')).toMatchObject({ valid: true, type: 'org' });
    expect(checkOwnerId('0101234567-001')).toMatchObject({ valid: true, type: 'org' });
    expect(checkOwnerId('012345678', 'cmnd')).toMatchObject({ valid: true, type: 'cmnd' });
    expect(checkOwnerId('01234567', 'org').valid).toBe(false);
  });
});
