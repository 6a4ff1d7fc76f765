import { describe, expect, it } from 'vitest';
import { analyseImage } from '../../../electron/core/imaging/analyse';
import { estimateSkew, inkPoints, straighten } from '../../../electron/core/imaging/deskew';
import { grayCopy } from '../../../electron/core/imaging/gray';
import { detectOrientation } from '../../../electron/core/imaging/orientation';
import { renderPage, rng } from '../../fixtures/analysis/pages';

const SEED = Number(process.env.SOHOA_SEED ?? Date.now() % 100000);
console.info(`deskew tests: SOHOA_SEED=${SEED}`);

describe('deskew by projection profile (estimated on a 150 dpi copy)', () => {
  const rand = rng(SEED);
  const angles = [0.35, -1.7, 3.2, ...Array.from({ length: 3 }, () => Math.round((rand() * 8 - 4) * 100) / 100)];
  for (const angle of angles) {
    it(`estimates a ${angle}° tilt of a text page within ±0.1°`, async () => {
      const img = await renderPage({ lines: 30, tiltDeg: angle });
      const s = estimateSkew(inkPoints(await grayCopy(img, 150)));
      expect(Math.abs(s.skewDeg - angle), `estimated ${s.skewDeg}`).toBeLessThanOrEqual(0.1);
    });
  }

  for (const angle of [0.15, -0.12, 0.3]) {
    it(`estimates a small ${angle}° tilt within ±0.1° through the page analysis (100 dpi copy)`, async () => {
      // On the integer pixel lattice a tilt this small used to snap to 0°: the ink points are jittered.
      const a = await analyseImage(await renderPage({ lines: 30, tiltDeg: angle, dpi: 200 }), 'color');
      expect(Math.abs(a.skewDeg - angle), `estimated ${a.skewDeg}`).toBeLessThanOrEqual(0.1);
    });
  }

  it('straightens a tilted page without changing its pixel size (100 % scale)', async () => {
    const img = await renderPage({ lines: 30, tiltDeg: 2.4, dpi: 150 });
    const a = await analyseImage(img, 'color');
    expect(Math.abs(a.skewDeg - 2.4)).toBeLessThanOrEqual(0.1);
    const fixed = await straighten(img, 0, a.skewDeg);
    expect([fixed.width, fixed.height, fixed.channels]).toEqual([img.width, img.height, 3]);
    const after = estimateSkew(inkPoints(await grayCopy(fixed, 150)));
    expect(Math.abs(after.skewDeg)).toBeLessThanOrEqual(0.1);
  });

  it('leaves a page without text lines alone', async () => {
    const img = await renderPage({ cornerStamp: true, dpi: 150 });
    const a = await analyseImage(img, 'color');
    expect(a.textPage).toBe(false);
    expect(a.skewDeg).toBe(0);
    expect(a.rotation).toBe(0);
  });
});

describe('90/180/270° orientation of text pages', () => {
  for (const turn of [0, 90, 180, 270] as const) {
    it(`finds the rotation that makes a page turned by ${turn}° upright`, async () => {
      const img = await renderPage({ lines: 24, turn, tiltDeg: 0.6, dpi: 150, seal: true });
      const o = await detectOrientation(await grayCopy(img, 150));
      expect(o.textPage).toBe(true);
      expect(o.rotation).toBe((360 - turn) % 360);
      expect(Math.abs(o.skewDeg - 0.6)).toBeLessThanOrEqual(0.15);
    });
  }

  it('puts a turned page upright when straightened with the detected rotation', async () => {
    const img = await renderPage({ lines: 24, turn: 90, dpi: 150 });
    const a = await analyseImage(img, 'color');
    const fixed = await straighten(img, a.rotation, a.skewDeg);
    expect(fixed.height).toBeGreaterThan(fixed.width); // portrait again
    const again = await detectOrientation(await grayCopy(fixed, 150));
    expect(again.rotation).toBe(0);
  });
});
