import { describe, expect, it } from 'vitest';
import { foldText, matchesSearch } from '../../../electron/common/search';
import { readCccdQr } from '../../../renderer/src/lib/cccdQr';

describe('search as clerks type it', () => {
  it('ignores diacritics, đ, case and punctuation', () => {
    expect(foldText('Đăng ký Kết hôn')).toBe('dang ky ket hon');
    expect(matchesSearch('1.000894 Đăng ký kết hôn', 'ket hon')).toBe(true);
    expect(matchesSearch('1.000894 Đăng ký kết hôn', 'KẾT HÔN')).toBe(true);
    expect(matchesSearch('1.001193 Đăng ký khai sinh', '1001193')).toBe(true);
    expect(matchesSearch('Phạm Thị Thu Hà', 'pham ha')).toBe(true);
  });

  it('does not match what is not there', () => {
    expect(matchesSearch('1.001193 Đăng ký khai sinh', 'ket hon')).toBe(false);
    expect(matchesSearch('1.001193 Đăng ký khai sinh', '1001194')).toBe(false);
    expect(matchesSearch('Phạm Thị Thu Hà', 'pham hai')).toBe(false);
  });

  it('reads the id and the name from a CCCD QR payload, and nothing from other text', () => {
    expect(readCccdQr('079199012345|123456789|Phạm Thị Thu Hà|01011999|Nữ|12 Lê Lợi, Q1|01012021')).toEqual({ id: '079199012345', name: 'Phạm Thị Thu Hà' });
    expect(readCccdQr('079199012345')).toBeNull();
    expect(readCccdQr('07919901234|x|y')).toBeNull();
  });
});
