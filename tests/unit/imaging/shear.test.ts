import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { estimateSkew, inkPoints } from '../../../electron/core/imaging/deskew';
import { grayCopy } from '../../../electron/core/imaging/gray';
import type { RasterImage } from '../../../electron/core/imaging/raster';
import { shearRotate } from '../../../electron/core/imaging/shear';
import { renderPage, rng } from '../../fixtures/analysis/pages';

const SEED = Number(process.env.SOHOA_SEED ?? Date.now() % 100000);
console.info(`shear tests: SOHOA_SEED=${SEED}`);

/** libvips' bilinear rotation about the centre, cut back to the page size: the reference. */
async function libvipsRotate(img: RasterImage, deg: number): Promise<Buffer> {
  const raw = { width: img.width, height: img.height, channels: img.channels };
  const r = await sharp(img.data, { raw }).rotate(deg, { background: '#ffffff' }).raw().toBuffer({ resolveWithObject: true });
  const left = Math.round((r.info.width - img.width) / 2);
  const top = Math.round((r.info.height - img.height) / 2);
  return sharp(r.data, { raw: { width: r.info.width, height: r.info.height, channels: r.info.channels } })
    .extract({ left, top, width: img.width, height: img.height })
    .raw()
    .toBuffer();
}

/** Mean absolute difference of two same-sized pages compared on gray 1/4-scale copies (tolerates 1-px steps). */
async function meanDiff(a: Buffer, b: Buffer, img: RasterImage): Promise<number> {
  const small = (d: Buffer) =>
    sharp(d, { raw: { width: img.width, height: img.height, channels: img.channels } })
      .resize(Math.round(img.width / 4))
      .greyscale()
      .raw()
      .toBuffer();
  const [x, y] = await Promise.all([small(a), small(b)]);
  let d = 0;
  for (let i = 0; i < x.length; i++) d += Math.abs(x[i]! - y[i]!);
  return d / x.length;
}

describe('small-angle rotation by three shears', () => {
  const rand = rng(SEED);
  const angles = [0.15, -0.6, 2.7, ...Array.from({ length: 2 }, () => Math.round((rand() * 6 - 3) * 100) / 100)];
  for (const angle of angles) {
    it(`straightens a page tilted by ${angle}° to within ±0.1°, keeping its size`, async () => {
      const img = await renderPage({ lines: 28, tiltDeg: angle, dpi: 150, seal: true });
      const fixed = shearRotate(img, -angle);
      expect([fixed.width, fixed.height, fixed.channels]).toEqual([img.width, img.height, 3]);
      const after = estimateSkew(inkPoints(await grayCopy(fixed, 150)));
      expect(Math.abs(after.skewDeg), `residual ${after.skewDeg}`).toBeLessThanOrEqual(0.1);
    });
  }

  it('turns the same way as, and lands where, libvips rotate does', async () => {
    const img = await renderPage({ lines: 20, tiltDeg: 0, dpi: 150, seal: true });
    for (const deg of [1.5, -2.5]) {
      const ours = shearRotate(img, deg).data;
      const ref = await libvipsRotate(img, deg);
      const opposite = await libvipsRotate(img, -deg);
      const d = await meanDiff(ours, ref, img);
      expect(d, `mean |Δ| vs libvips ${deg}°`).toBeLessThan(3);
      expect(await meanDiff(ours, opposite, img)).toBeGreaterThan(2 * d); // the sign matters
    }
  });

  it('fills the corners that turn in with white and leaves a 0° page untouched', async () => {
    const img: RasterImage = { width: 400, height: 600, channels: 1, data: Buffer.alloc(400 * 600, 0), dpi: 100, bitonal: false };
    expect(shearRotate(img, 0)).toBe(img);
    const r = shearRotate(img, 3);
    expect(r.data[0]).toBe(255); // top-left corner came from outside the page
    expect(r.data[r.data.length - 1]).toBe(255);
    expect(r.data[300 * 400 + 200]).toBe(0); // the centre stays
    expect(img.data[0]).toBe(0); // input not modified
  });
});
