import { describe, expect, it } from 'vitest';
import { foldText, matchesSearch } from '../../../electron/common/search';

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
});
