import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { documentsMethods } from '../../../electron/common/api/documents';
import type { RasterImage } from '../../../electron/core/imaging/raster';
import { classifyPage, encodePage } from '../../../electron/core/pdf/encode';
import { DEFAULT_PROFILE, PROFILES } from '../../../electron/common/compressionProfiles';
import { a4Pixels, renderPage } from '../../fixtures/analysis/pages';

/** A photo-like A4 page: smooth colour gradients plus grain (what a photo or a shaded picture looks like to the classifier). */
async function photoPage(dpi: number): Promise<RasterImage> {
  const { width, height } = a4Pixels(dpi);
  const grad = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 3;
      grad[o] = 60 + (x * 160) / width;
      grad[o + 1] = 90 + (y * 120) / height;
      grad[o + 2] = 140 + 60 * Math.sin((x + y) / 120);
    }
  const grain = await sharp({ create: { width, height, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 25 } } })
    .raw()
    .toBuffer();
  for (let i = 0; i < grad.length; i++) grad[i] = Math.max(0, Math.min(255, grad[i]! + grain[i]! - 128));
  return { width, height, channels: 3, data: grad, dpi, bitonal: false };
}

/** A copy of an ID card (both sides, gray-ish photo-like areas) on white paper. */
async function idCardCopy(dpi: number): Promise<RasterImage> {
  const { width, height } = a4Pixels(dpi);
  const cw = Math.round((86 / 25.4) * dpi);
  const ch = Math.round((54 / 25.4) * dpi);
  const card = await sharp({ create: { width: cw, height: ch, channels: 3, background: '#a0a0a0', noise: { type: 'gaussian', mean: 150, sigma: 45 } } })
    .blur(2)
    .png()
    .toBuffer();
  const data = await sharp({ create: { width, height, channels: 3, background: '#f7f5ef' } })
    .composite([
      { input: card, top: Math.round(height * 0.1), left: Math.round(width * 0.2) },
      { input: card, top: Math.round(height * 0.45), left: Math.round(width * 0.2) },
    ])
    .removeAlpha()
    .raw()
    .toBuffer();
  return { width, height, channels: 3, data, dpi, bitonal: false };
}

describe('adaptive colour profile (color-auto, the default)', () => {
  it('is the default of the profiles, of documents.assemble and of the benchmark', () => {
    expect(DEFAULT_PROFILE).toBe('color-auto');
    expect(PROFILES[DEFAULT_PROFILE].output).toBe('color');
    expect(PROFILES[DEFAULT_PROFILE].compliantForColourOriginals).toBe(true);
    const parsed = documentsMethods['documents.assemble'].params.parse({ componentId: '01JBZ8Y6J1D8N3W5Q7R9T2V4X6' });
    expect(parsed.profile).toBe('color-auto');
  });

  it('codes a text page with a red seal as MRC: full-resolution dark text mask, seal kept red in the colour background', async () => {
    const img = await renderPage({ lines: 30, seal: true, dpi: 200, noise: { sigma: 4, specks: 200, seed: 7 } });
    expect(classifyPage(img).kind).toBe('text');
    const enc = await encodePage(img, 'color-auto');
    const jpeg = await encodePage(img, 'color');
    expect(enc.method).toBe('mrc');
    expect(enc.profile).toBe('color-auto');
    expect(enc.mask?.image.filter).toBe('JBIG2Decode');
    expect([enc.mask?.image.width, enc.mask?.image.height]).toEqual([img.width, img.height]); // text at scan resolution
    expect(Math.max(...enc.mask!.fill)).toBeLessThan(0.3); // the text colour is dark, not the seal's red
    expect(enc.background.colorSpace).toBe('DeviceRGB');
    expect(enc.bytes).toBeLessThan(jpeg.bytes * 0.6);
    // the seal (bottom right of the page) is still red in the decoded background
    const bg = await sharp(enc.background.data).raw().toBuffer({ resolveWithObject: true });
    const { width: bw, height: bh } = bg.info;
    let red = 0;
    for (let y = Math.round(bh * 0.7); y < Math.round(bh * 0.85); y++)
      for (let x = Math.round(bw * 0.6); x < Math.round(bw * 0.95); x++) {
        const o = (y * bw + x) * 3;
        if (bg.data[o]! > 150 && bg.data[o]! - bg.data[o + 1]! > 60 && bg.data[o]! - bg.data[o + 2]! > 60) red++;
      }
    expect(red).toBeGreaterThan(50);
  });

  it('codes a photo-like page (gradients and grain) as plain full-resolution JPEG', async () => {
    const img = await photoPage(200);
    const cls = classifyPage(img);
    expect(cls.kind).toBe('photo');
    const enc = await encodePage(img, 'color-auto');
    expect(enc.method).toBe('jpeg');
    expect(enc.mask).toBeUndefined();
    expect(enc.background.filter).toBe('DCTDecode');
    expect([enc.background.width, enc.background.height]).toEqual([img.width, img.height]);
  });

  it('codes a copy of an ID card (shaded photo areas on white paper) as JPEG, not MRC', async () => {
    const img = await idCardCopy(200);
    expect(classifyPage(img).kind).toBe('photo');
    const enc = await encodePage(img, 'color-auto');
    expect(enc.method).toBe('jpeg');
    expect(enc.background.width).toBe(img.width);
  });

  it('treats 200 dpi pages with only a stamp, with bleed-through, scanner noise or a tilt as text pages', async () => {
    const specs = [{ cornerStamp: true }, { lines: 30, bleedThrough: 40 }, { lines: 30, noise: { sigma: 6, specks: 500, seed: 3 } }, { lines: 20, tiltDeg: 1.5, seal: true }];
    for (const spec of specs) {
      expect(classifyPage(await renderPage({ ...spec, dpi: 200 })).kind, JSON.stringify(spec)).toBe('text');
    }
  });

  it('codes a gray page as gray JPEG (nothing to gain from a mask on a gray scan here)', async () => {
    const color = await renderPage({ lines: 10, dpi: 100 });
    const gray = await sharp(color.data, { raw: { width: color.width, height: color.height, channels: 3 } }).toColourspace('b-w').raw().toBuffer();
    const enc = await encodePage({ ...color, channels: 1, data: gray }, 'color-auto');
    expect(enc.method).toBe('jpeg');
    expect(enc.background.colorSpace).toBe('DeviceGray');
  });
});
