import { describe, expect, it } from 'vitest';
import type { RasterImage } from '../../../electron/core/imaging/raster';
import { encodePage, thresholdToPaper } from '../../../electron/core/pdf/encode';
import { PROFILE_IDS, PROFILES } from '../../../electron/common/compressionProfiles';
import { jpegFrame } from '../../helpers/pdfImages';

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

describe('JPEG layers say what their stream is', () => {
  // libvips writes a raw 1-band input as a 3-component JPEG unless told the colourspace: declared /DeviceGray,
  // poppler and Ghostscript then drew interleaved double text.
  for (const profile of PROFILE_IDS.filter((p) => PROFILES[p].method !== 'g4')) {
    it(`${profile}: a gray page's JPEG has one component, a colour page's three, as declared`, async () => {
      const gray = pageWithLightStroke(true);
      const rgb: RasterImage = { ...gray, channels: 3, data: Buffer.from([...gray.data].flatMap((v) => [v, v - 20, v - 40])) };
      for (const img of [gray, rgb]) {
        const enc = await encodePage(img, profile);
        const frame = jpegFrame(enc.background.data);
        expect(frame, `${profile} ${img.channels}-channel`).not.toBeNull();
        expect(frame!.components).toBe(enc.background.colorSpace === 'DeviceGray' ? 1 : 3);
        expect(frame!.bits).toBe(enc.background.bitsPerComponent);
        if (img.channels === 1 || PROFILES[profile].output === 'gray') expect(enc.background.colorSpace).toBe('DeviceGray');
      }
    });
  }
});
