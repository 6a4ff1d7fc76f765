import { describe, expect, it } from 'vitest';
import type { RasterImage } from '../../../electron/core/imaging/raster';
import { encodePage, thresholdToPaper } from '../../../electron/core/pdf/encode';

/** Tinted paper (240) with a light gray stroke (150): what a thin tone mark looks like on a 200 dpi scan. */
function pageWithLightStroke(stroke: boolean): RasterImage {
  const width = 400;
  const height = 300;
  const data = Buffer.alloc(width * height, 240);
  if (stroke) for (let y = 140; y < 143; y++) data.fill(150, y * width + 100, y * width + 300);
  return { width, height, channels: 1, data, dpi: 200, bitonal: false };
}

describe('bitonal threshold relative to the paper', () => {
  it('keeps a light stroke that a fixed cut at 128 would drop', () => {
    const page = pageWithLightStroke(true);
    const bw = thresholdToPaper(page.data);
    expect(bw[141 * page.width + 200]).toBe(0); // stroke → black
    expect(bw[10 * page.width + 10]).toBe(255); // paper → white
    expect(page.data[141 * page.width + 200]! >= 128).toBe(true); // (a 128 cut would have called it paper)
  });

  it('leaves bleed-through-light marks on the paper side', () => {
    const page = pageWithLightStroke(false);
    for (let i = 0; i < 2000; i++) page.data[50_000 + i] = 215; // 25 below paper: bleed-through, not ink
    const bw = thresholdToPaper(page.data);
    expect(bw.every((v) => v === 255)).toBe(true);
  });

  it('codes the light stroke into the JBIG2 page (more bytes than an empty page)', async () => {
    const empty = await encodePage(pageWithLightStroke(false), 'bitonal');
    const marked = await encodePage(pageWithLightStroke(true), 'bitonal');
    expect(marked.background.filter).toBe('JBIG2Decode');
    expect(marked.bytes).toBeGreaterThan(empty.bytes);
  });
});
