import { describe, expect, it } from 'vitest';
import { looksLikeCccdQr, parseCccdQr } from '../../../electron/common/cccdQr';

const NOW = new Date('2026-12-03T00:00:00Z');
const GOOD = '079203004567|025123456|Trần Văn An|15062003|Nam|12 Nguyễn Huệ, phường Sài Gòn, TP Hồ Chí Minh|20052021';

describe('CCCD QR payload', () => {
  it('reads the seven fields of a chip CCCD QR into owner data', () => {
    const r = parseCccdQr(GOOD, NOW);
    expect(r).toEqual({
      ok: true,
      value: { cccd: '079203004567', oldId: '025123456', fullName: 'Trần Văn An', dateOfBirth: '2003-06-15', sex: 'male', address: '12 Nguyễn Huệ, phường Sài Gòn, TP Hồ Chí Minh', issuedOn: '2021-05-20' },
    });
    expect(looksLikeCccdQr(GOOD)).toBe(true);
    expect(looksLikeCccdQr('079203004567')).toBe(false);
  });

  it('accepts an empty old ID, a trailing newline from the reader and decomposed Unicode', () => {
    const r = parseCccdQr(`001303012345||Nguyễn Thị Mai|01022003|Nữ|Hà Nội|05062022\r\n`.normalize('NFD'), NOW);
    expect(r.ok && r.value).toMatchObject({ oldId: null, fullName: 'Nguyễn Thị Mai', sex: 'female' });
  });

  it.each([
    ['079203004567|025123456|Trần Văn An|15062003|Nam|addr', 'FIELD_COUNT'],
    ['999203004567|025123456|Trần Văn An|15062003|Nam|addr|20052021', 'BAD_CCCD'],
    ['079203004567|025123456|Trần Văn An|31022003|Nam|addr|20052021', 'BAD_DATE'],
    ['079203004567|025123456|Trần Văn An|15061993|Nam|addr|20052021', 'BIRTH_YEAR_MISMATCH'], // century/year digits say 2003
    ['079203004567|025123456|Trần Thị An|15062003|Nữ|addr|20052021', 'SEX_MISMATCH'], // digit 2 = male
    ['079203004567|025123456|Trần Văn An|15062003|Nam|addr|20052001', 'ISSUED_BEFORE_BIRTH'],
    ['079203004567|025123456|Trần Văn An|15062003|Nam|addr|20052027', 'BAD_DATE'], // issued in the future
    ['tran van an', 'NOT_CCCD_QR'],
  ])('refuses %s with %s', (payload, problem) => {
    expect(parseCccdQr(payload, NOW)).toMatchObject({ ok: false, problem });
  });

  it('says when a Vietnamese input method (Telex) mangled what the reader typed', () => {
    // "dd" became "đ" and the tone keys were eaten in the digit fields' neighbourhood: letters where digits must be.
    expect(parseCccdQr('079203004567|025123456|Trần Văn An|15o62003|Nam|addr|2005202s', NOW)).toMatchObject({ ok: false, problem: 'IME_MANGLED' });
    expect(parseCccdQr('07920300456đ|025123456|Trần Văn An|15062003|Nam|addr|20052021', NOW)).toMatchObject({ ok: false, problem: 'IME_MANGLED' });
  });
});
