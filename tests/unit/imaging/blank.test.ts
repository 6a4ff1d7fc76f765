import { describe, expect, it } from 'vitest';
import { analyseImage } from '../../../electron/core/imaging/analyse';
import { detectBlank } from '../../../electron/core/imaging/blank';
import { grayCopy } from '../../../electron/core/imaging/gray';
import { renderPage, type PageSpec } from '../../fixtures/analysis/pages';

const SEED = Number(process.env.SOHOA_SEED ?? Date.now() % 100000);
console.info(`blank tests: SOHOA_SEED=${SEED}`);

async function blankOf(spec: PageSpec) {
  const img = await renderPage(spec);
  return detectBlank(await grayCopy(img, 150));
}

describe('blank-page flagging (structure, not only coverage)', () => {
  it('flags a plain white page', async () => {
    const r = await blankOf({ paper: '#ffffff' });
    expect(r.blank).toBe(true);
    expect(r.score).toBeGreaterThan(0.5);
  });

  it('flags an off-white page with scanner noise and dust specks', async () => {
    const r = await blankOf({ noise: { sigma: 6, specks: 400, seed: SEED } });
    expect(r.blank, JSON.stringify(r)).toBe(true);
    expect(r.score).toBeGreaterThan(0.5);
  });

  it('flags a back side that shows only bleed-through from the front', async () => {
    const r = await blankOf({ bleedThrough: 40, noise: { sigma: 3, specks: 50, seed: SEED + 1 } });
    expect(r.blank, JSON.stringify(r)).toBe(true);
  });

  it('keeps a page whose only content is a stamp in a corner', async () => {
    const r = await blankOf({ cornerStamp: true, noise: { sigma: 3, specks: 50, seed: SEED + 2 } });
    expect(r.blank, JSON.stringify(r)).toBe(false);
    expect(r.score).toBeLessThan(0.5);
    expect(r.inkFraction).toBeLessThan(0.02); // small coverage: decided by the inked blocks
  });

  it('keeps a page whose only content is a signature in a corner', async () => {
    const r = await blankOf({ cornerSignature: true });
    expect(r.blank, JSON.stringify(r)).toBe(false);
  });

  it('keeps a text page and scores it near 0', async () => {
    const r = await blankOf({ lines: 12 });
    expect(r.blank).toBe(false);
    expect(r.score).toBeLessThan(0.1);
  });

  it('reports the flag through analyseImage without dropping anything', async () => {
    const img = await renderPage({ noise: { sigma: 4, specks: 100, seed: SEED + 3 } });
    const a = await analyseImage(img, 'color');
    expect(a.blankFlag).toBe('flagged');
    expect(a.width).toBe(img.width);
  });
});
