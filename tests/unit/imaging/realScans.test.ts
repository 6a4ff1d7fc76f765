import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { analyseImage, type PageAnalysis } from '../../../electron/core/imaging/analyse';
import { decodeImage } from '../../../electron/core/imaging/decode';
import { straighten } from '../../../electron/core/imaging/deskew';
import { lumaOf } from '../../../electron/core/imaging/gray';
import type { RasterImage } from '../../../electron/core/imaging/raster';
import { REAL_SCANS, scanPath, type RealScan } from '../../fixtures/scans/catalogue';
import { printAndDegrade, VIETNAMESE_DEGRADE_SEEDS } from '../../fixtures/scans/vietnamese';

/**
 * Real scanned pages from Debian's leptonlib source package (tests/fixtures/scans/README.md): the analysis
 * must not turn an upright page, must put back every turned copy it turns (and turn back the copies of
 * pages with clear text lines), flag the dust page blank, and report the dark pages dark, never blank.
 * The turned copies are made here, not committed.
 */
async function turned(scan: RealScan, turn: 0 | 90 | 180 | 270): Promise<RasterImage> {
  const bytes = readFileSync(scanPath(scan));
  const out = turn === 0 ? bytes : await sharp(bytes).rotate(turn).withMetadata({ density: scan.dpi }).png().toBuffer();
  return { ...(await decodeImage(out, { dpiHint: scan.dpi })), dpi: scan.dpi };
}

async function analyse(scan: RealScan, turn: 0 | 90 | 180 | 270): Promise<PageAnalysis> {
  return analyseImage(await turned(scan, turn), 'color-auto');
}

/** Mean absolute difference of two pages' luma (∞ when their sizes differ; a PNG copy may carry other bands). */
function meanAbsDiff(a: RasterImage, b: RasterImage): number {
  if (a.width !== b.width || a.height !== b.height) return Infinity;
  const pixels = a.width * a.height;
  const la = lumaOf(a.data, a.channels, pixels);
  const lb = lumaOf(b.data, b.channels, pixels);
  let sum = 0;
  for (let i = 0; i < pixels; i++) sum += Math.abs(la[i]! - lb[i]!);
  return sum / pixels;
}

describe('real scans: orientation, blank and dark pages', () => {
  for (const scan of REAL_SCANS) {
    it(`${scan.file} (${scan.kind}): upright stays upright; every turned copy ${scan.comesBack ? 'comes back upright, with its reason' : 'is left or put back, never turned wrong'}`, async () => {
      const upright = await analyse(scan, 0);
      expect(upright.rotation, 'upright page turned').toBe(0);
      expect(upright.rotationReason).toBeNull();
      const original = await turned(scan, 0);
      for (const turn of [90, 180, 270] as const) {
        const copy = await turned(scan, turn);
        const a = await analyseImage(copy, 'color-auto');
        const back = (turn + a.rotation) % 360;
        if (scan.comesBack) {
          expect(back, `${scan.file} turned ${turn}° came back at ${back}°`).toBe(0);
          expect(a.rotationReason).toBe(turn === 180 ? 'text_upside_down' : 'text_sideways');
          // As the reader gets it: the copy turned by the analysis is the original page, pixel for pixel.
          expect(meanAbsDiff(await straighten(copy, a.rotation, 0), original), `${scan.file} turned ${turn}° and back differs from the original`).toBeLessThan(0.5);
        } else {
          // Not enough evidence is fine (left as it came); a wrong turn is not.
          expect(a.rotation === 0 || back === 0, `${scan.file} turned ${turn}° was turned ${a.rotation}° more`).toBe(true);
        }
        if (a.rotation === 0) expect(a.rotationReason).toBeNull();
      }
    }, 600_000); // up to four tesseract readings per copy on the pages whose line shapes cannot tell up from down

    it(`${scan.file} (${scan.kind}): blank ${scan.blank ? 'flagged' : 'not flagged'}, ${scan.dark ? 'reported too dark' : 'exposure fine'}`, async () => {
      const a = await analyse(scan, 0);
      expect(a.blankFlag).toBe(scan.blank ? 'flagged' : 'none');
      expect(a.quality).toEqual(scan.dark ? ['PAGE_TOO_DARK'] : []);
      if (scan.dark) expect(a.blankScore).toBeLessThanOrEqual(0.5);
    });
  }
});

describe('a faint scan of a real page (contrast reduced: black comes out at level 170 on white paper)', () => {
  // The same page scanned too bright: white stays white, the writing comes out pale gray (JPEG q85, as a
  // scanner writes it). Its darkest ink is ≈ 65–85 levels below the paper, where the good scans reach 160–255.
  for (const scan of REAL_SCANS.filter((s) => s.kind === 'table' || s.kind === 'book' || s.kind === 'handwritten')) {
    it(`${scan.file}: reported low contrast, never blank, never too dark`, async () => {
      const faint = await sharp(readFileSync(scanPath(scan)))
        .linear((255 - 170) / 255, 170)
        .withMetadata({ density: scan.dpi })
        .jpeg({ quality: 85 })
        .toBuffer();
      const a = await analyseImage({ ...(await decodeImage(faint, { dpiHint: scan.dpi })), dpi: scan.dpi }, 'color-auto', { orientationCheck: 'off' });
      expect(a.quality).toEqual(['PAGE_LOW_CONTRAST']);
      expect(a.blankFlag).toBe('none');
      expect(a.blankScore).toBeLessThanOrEqual(0.5);
    });
  }

  it('the dust page made fainter stays a blank page, not faint writing', async () => {
    const dust = REAL_SCANS.find((s) => s.blank)!;
    const faint = await sharp(readFileSync(scanPath(dust))).linear((255 - 170) / 255, 170).jpeg({ quality: 85 }).toBuffer();
    const a = await analyseImage({ ...(await decodeImage(faint, { dpiHint: dust.dpi })), dpi: dust.dpi }, 'color-auto');
    expect(a.blankFlag).toBe('flagged');
    expect(a.quality).toEqual([]);
  });
});

describe('Vietnamese print-and-degrade pages: orientation and blank', () => {
  for (const seed of VIETNAMESE_DEGRADE_SEEDS) {
    it(`seed ${seed}: upright stays, every turned copy comes back upright with its reason, never blank or dark`, async () => {
      const p = await printAndDegrade(seed);
      for (const turn of [0, 90, 180, 270] as const) {
        const bytes = turn === 0 ? p.jpeg : await sharp(p.jpeg).rotate(turn).withMetadata({ density: p.dpi }).jpeg({ quality: 90 }).toBuffer();
        const a = await analyseImage(await decodeImage(bytes, { dpiHint: p.dpi }), 'color-auto');
        expect((turn + a.rotation) % 360, `seed ${seed} turned ${turn}°`).toBe(0);
        expect(a.rotationReason).toBe(turn === 0 ? null : turn === 180 ? 'text_upside_down' : 'text_sideways');
        expect(a.blankFlag).toBe('none');
        expect(a.quality).toEqual([]);
      }
    }, 120_000); // five page analyses plus rendering: slow on a busy 2-core machine
  }
});
