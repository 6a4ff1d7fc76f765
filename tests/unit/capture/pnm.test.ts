import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_PAGE_PIXELS } from '../../../electron/core/bridge/pageImage';
import { checkPnmFile, decodePnm, parsePnmHeader } from '../../../native-bridge/pnm';
import { tempDir } from '../../helpers/tmp';

const pnm = (header: string, bytes: number): Buffer => Buffer.concat([Buffer.from(header, 'latin1'), Buffer.alloc(bytes, 7)]);

describe('PNM header', () => {
  it('reads the header scanimage writes for a colour page', () => {
    const h = parsePnmHeader(Buffer.from('P6\n# SANE data follows\n1653 2338\n255\n', 'latin1'));
    expect(h).toMatchObject({ magic: 'P6', width: 1653, height: 2338, maxval: 255, headerBytes: 37 });
    expect(h!.expectedBytes).toBe(37 + 1653 * 2338 * 3);
  });

  it('sizes grey, 16-bit and bitonal images', () => {
    expect(parsePnmHeader(Buffer.from('P5\n10 4\n255\n'))!.expectedBytes).toBe(12 + 40);
    expect(parsePnmHeader(Buffer.from('P5\n10 4\n65535\n'))!.expectedBytes).toBe(14 + 80);
    // P4 has no maxval; rows are padded to whole bytes, and pixel bytes that look like digits are not read as a header.
    const p4 = parsePnmHeader(Buffer.concat([Buffer.from('P4\n# c\n10 4\n'), Buffer.from('12 \n')]))!;
    expect(p4).toMatchObject({ magic: 'P4', maxval: 1, headerBytes: 12 });
    expect(p4.expectedBytes).toBe(12 + 2 * 4);
  });

  it('refuses what is not a PNM header', () => {
    expect(parsePnmHeader(Buffer.from('%PDF-1.4'))).toBeNull();
    expect(parsePnmHeader(Buffer.from('P6\n0 10\n255\n'))).toBeNull();
    expect(parsePnmHeader(Buffer.from('P6\n10 10\n'))).toBeNull();
  });
});

describe('checkPnmFile', () => {
  it('accepts a whole image and refuses a short or overlong one', () => {
    const dir = tempDir();
    const whole = join(dir, 'whole.pnm');
    writeFileSync(whole, pnm('P6\n4 2\n255\n', 24));
    expect(checkPnmFile(whole).ok).toBe(true);
    const short = join(dir, 'short.pnm');
    writeFileSync(short, pnm('P6\n4 2\n255\n', 23));
    const s = checkPnmFile(short);
    expect(s.ok).toBe(false);
    expect(s.ok ? '' : s.reason).toMatch(/stops early/);
    const long = join(dir, 'long.pnm');
    writeFileSync(long, pnm('P6\n4 2\n255\n', 25));
    expect(checkPnmFile(long).ok).toBe(false);
    const headerOnly = join(dir, 'eof.pnm');
    writeFileSync(headerOnly, 'P6\n# SANE data follows\n413 584\n255\n');
    expect(checkPnmFile(headerOnly).ok).toBe(false);
  });
});

describe('decodePnm (the one PNM decoder: driver check, imaging, page-image route)', () => {
  it('refuses a forged header above the pixel bound before allocating anything', () => {
    // 20000×20000 declared, 16 bytes present: the page-image route must not try to allocate 1.2 GB.
    expect(() => decodePnm(pnm('P6\n20000 20000\n255\n', 16), MAX_PAGE_PIXELS)).toThrow(expect.objectContaining({ code: 'IMAGE_TOO_LARGE' }));
  });

  it('decodes bitonal, grey and 16-bit pages to 8-bit samples and refuses a truncated one', () => {
    const p4 = decodePnm(Buffer.concat([Buffer.from('P4\n10 1\n'), Buffer.from([0b10000000, 0b01000000])]), 100);
    expect([...p4.data]).toEqual([0, 255, 255, 255, 255, 255, 255, 255, 255, 0]);
    expect(p4.bitonal).toBe(true);
    const p16 = decodePnm(Buffer.concat([Buffer.from('P5\n2 1\n65535\n'), Buffer.from([0xff, 0xff, 0, 0])]), 100);
    expect([...p16.data]).toEqual([255, 0]);
    expect(() => decodePnm(pnm('P6\n4 2\n255\n', 23), 100)).toThrow(expect.objectContaining({ code: 'IMAGE_CORRUPT' }));
  });
});
