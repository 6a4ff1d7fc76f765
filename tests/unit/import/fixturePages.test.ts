import { describe, expect, it } from 'vitest';
import { characterErrorRate, diacriticRecall } from '../../fixtures/pages/cer';
import { a4Pixels, readPnm, renderPage, toPnm } from '../../fixtures/pages/generate';

describe('page fixture generator', () => {
  it('renders an A4 page at the requested dpi with Vietnamese ground truth, deterministically per seed', async () => {
    const a = await renderPage({ seed: 5, dpi: 100, seal: true });
    const b = await renderPage({ seed: 5, dpi: 100, seal: true });
    expect({ width: a.width, height: a.height }).toEqual(a4Pixels(100));
    expect(a.pixels.length).toBe(a.width * a.height * a.channels);
    expect(a.pixels.equals(b.pixels)).toBe(true);
    expect(a.text).toBe(b.text);
    expect(a.text).toMatch(/CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM/);
    expect(a.text).toMatch(/[ảệộữ]/);
    const c = await renderPage({ seed: 6, dpi: 100, seal: false });
    expect(c.pixels.equals(a.pixels)).toBe(false);
  });

  it('puts red seal pixels only on pages with a seal', async () => {
    const redShare = (p: Awaited<ReturnType<typeof renderPage>>): number => {
      let red = 0;
      for (let i = 0; i < p.pixels.length; i += 3) if (p.pixels[i]! > 150 && p.pixels[i + 1]! < 110 && p.pixels[i + 2]! < 120) red++;
      return red / (p.pixels.length / 3);
    };
    expect(redShare(await renderPage({ seed: 9, dpi: 100, seal: true }))).toBeGreaterThan(0.001);
    expect(redShare(await renderPage({ seed: 9, dpi: 100, seal: false }))).toBeLessThan(0.0001);
  });

  it('round-trips PNM as SANE writes it', async () => {
    const p = await renderPage({ seed: 2, dpi: 75, seal: false, gray: true });
    const back = readPnm(toPnm(p));
    expect(back.channels).toBe(p.channels);
    expect(back.pixels.equals(p.pixels)).toBe(true);
  });
});

describe('character error rate', () => {
  it('is 0 for the same text whatever the wrapping and Unicode normalisation', () => {
    expect(characterErrorRate('Hồ sơ  kèm\ntheo', 'Hồ sơ kèm theo'.normalize('NFD'))).toBe(0);
  });
  it('counts a lost tone mark as one error', () => {
    expect(characterErrorRate('bệnh', 'bênh')).toBeCloseTo(0.25);
    expect(diacriticRecall('bệnh viện', 'bênh viên')).toBe(0);
    expect(diacriticRecall('bệnh viện', 'bệnh viện')).toBe(1);
  });
});
