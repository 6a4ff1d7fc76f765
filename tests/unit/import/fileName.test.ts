import { describe, expect, it } from 'vitest';
import { StationError } from '../../../electron/common/errors';
import { sanitiseFileName } from '../../../electron/core/importing/fileName';
import { ghostscriptCommand } from '../../../electron/core/importing/ghostscript';
import { pageDpi } from '../../../electron/core/importing/importFile';

const code = (fn: () => unknown): string | undefined => {
  try {
    fn();
    return undefined;
  } catch (err) {
    return err instanceof StationError ? err.code : 'not a StationError';
  }
};

describe('sanitiseFileName', () => {
  it('keeps an ordinary Vietnamese name unchanged (NFC)', () => {
    expect(sanitiseFileName('Giấy chứng sinh.pdf')).toEqual({ name: 'Giấy chứng sinh.pdf', changed: false });
    expect(sanitiseFileName('Giấy chứng sinh.pdf'.normalize('NFD')).name).toBe('Giấy chứng sinh.pdf');
  });

  it('keeps only the last path component of traversal names, with either separator', () => {
    expect(sanitiseFileName('../../etc/passwd').name).toBe('passwd');
    expect(sanitiseFileName('..\\..\\Windows\\system32\\hồ sơ.pdf').name).toBe('hồ sơ.pdf');
    expect(sanitiseFileName('/abs/path/đơn.png')).toEqual({ name: 'đơn.png', changed: true });
  });

  it('drops markup tags and neutralises markup characters', () => {
    expect(sanitiseFileName('<b>đơn</b>.pdf').name).toBe('đơn.pdf');
    expect(sanitiseFileName('<script>alert(1)</script>x.pdf').name).toBe('alert(1)x.pdf');
    expect(sanitiseFileName('a"b\'c&d.pdf').name).toBe('a_b_c_d.pdf');
  });

  it('removes right-to-left overrides and invisible characters (the "gpj.exe" trick)', () => {
    const r = sanitiseFileName('scan\u202Efdp.exe');
    expect(r.name).toBe('scanfdp.exe');
    expect(r.changed).toBe(true);
    expect(sanitiseFileName('a\u200Bb\u0000c\u0007.pdf').name).toBe('abc.pdf');
  });

  it('refuses names with nothing usable left', () => {
    for (const bad of ['..', '../..', '/', '\u202E', '<b></b>', ' ', '___', '\u202E\u202C']) expect(code(() => sanitiseFileName(bad)), bad).toBe('FILE_NAME_INVALID');
  });

  it('shortens very long names to 180 UTF-8 bytes keeping the extension, and defuses Windows device names', () => {
    const r = sanitiseFileName(`${'ữ'.repeat(200)}.pdf`);
    expect(Buffer.byteLength(r.name)).toBeLessThanOrEqual(180);
    expect(r.name.endsWith('.pdf')).toBe(true);
    expect(sanitiseFileName('CON.pdf').name).toBe('_CON.pdf');
    expect(sanitiseFileName('.hidden.pdf').name).toBe('hidden.pdf');
  });
});

describe('pageDpi', () => {
  it('keeps a stated resolution that gives a plausible page', () => {
    expect(pageDpi(1654, 2339, 200)).toEqual({ dpi: 200, assumed: false });
    expect(pageDpi(2480, 3508, 300)).toEqual({ dpi: 300, assumed: false });
  });
  it('fits phone photos (72 dpi or none) to A4', () => {
    const a4 = { w: 210 / 25.4, h: 297 / 25.4 };
    const r = pageDpi(3000, 4000, 72);
    expect(r.assumed).toBe(true);
    // Fits inside A4 portrait, touching it on one side.
    expect(3000 / r.dpi).toBeLessThanOrEqual(a4.w + 0.01);
    expect(4000 / r.dpi).toBeLessThanOrEqual(a4.h + 0.01);
    expect(Math.max((3000 / r.dpi) / a4.w, (4000 / r.dpi) / a4.h)).toBeCloseTo(1, 2);
    const land = pageDpi(4000, 3000, null);
    expect(land.assumed).toBe(true);
    expect(4000 / land.dpi).toBeLessThanOrEqual(a4.h + 0.01);
    expect(3000 / land.dpi).toBeLessThanOrEqual(a4.w + 0.01);
  });
});

describe('ghostscriptCommand', () => {
  it('uses gswin64c on Windows, gs elsewhere, SOHOA_GS when set', () => {
    expect(ghostscriptCommand({}, 'win32')).toBe('gswin64c');
    expect(ghostscriptCommand({}, 'linux')).toBe('gs');
    expect(ghostscriptCommand({ SOHOA_GS: '/opt/gs/bin/gs' }, 'linux')).toBe('/opt/gs/bin/gs');
  });
});
