import { readFileSync } from 'node:fs';
import QRCode from 'qrcode';
import sharp, { type OverlayOptions } from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeImage } from '../../../electron/core/imaging/decode';
import { grayCopy } from '../../../electron/core/imaging/gray';
import { detectPatchCode } from '../../../electron/core/imaging/patchCode';
import { readSheetMarks } from '../../../electron/core/imaging/sheetMarks';
import { REAL_SCANS, scanPath } from '../../fixtures/scans/catalogue';
import { renderPage } from '../../fixtures/pages/generate';
import { PATCH_ZONES, patchBars, patchSheetSvg } from '../../fixtures/pages/patchSheet';

const DPI = 200;
const W = 1654;
const H = 2339;

/** As a scanner returns a printed sheet: slightly blurred, grey paper, JPEG. */
async function scanned(svg: string | Buffer): Promise<Buffer> {
  return sharp(typeof svg === 'string' ? Buffer.from(svg) : svg)
    .flatten({ background: '#fff' })
    .blur(1.1)
    .linear(0.9, 12)
    .withMetadata({ density: DPI })
    .jpeg({ quality: 80 })
    .toBuffer();
}

async function patchOf(buf: Buffer): Promise<ReturnType<typeof detectPatchCode>> {
  return detectPatchCode(await grayCopy(await decodeImage(buf), 100, DPI));
}

describe('patch-code separator sheets', () => {
  for (const [name, zones] of Object.entries(PATCH_ZONES)) {
    it(`reads ${name} in both Kodak placements (parallel to the leading edge, end-fed)`, async () => {
      const want = name.slice(-1);
      expect(await patchOf(await scanned(patchSheetSvg(zones)))).toBe(want);
      expect(await patchOf(await scanned(patchSheetSvg(zones, { endFed: true })))).toBe(want);
    });
  }

  it('does not take bars shorter than 0.75 in, or bars of the wrong widths, for a patch', async () => {
    expect(await patchOf(await scanned(patchSheetSvg(PATCH_ZONES['Patch T'], { lengthIn: 0.5 })))).toBeNull();
    // Every bar 0.12 in: neither narrow nor wide.
    expect(await patchOf(await scanned(patchSheetSvg([0.12, 0.2, 0.32, 0.4, 0.52, 0.6, 0.72])))).toBeNull();
  });

  it('says "unclear" when the two placements carry different patches (never picks one)', async () => {
    const both = patchSheetSvg(PATCH_ZONES['Patch T']).replace('</svg>', `${patchBars(PATCH_ZONES['Patch 2'], { endFed: true })}</svg>`);
    expect(await patchOf(await scanned(both))).toBe('unclear');
  });
});

describe('sheet marks on a scanned page', () => {
  const page = async (qr: Buffer, holes: [number, number, number, number][] = []): Promise<Buffer> => {
    const layers: OverlayOptions[] = [{ input: qr, left: 1000, top: 130 }];
    for (const [x, y, w, h] of holes) layers.push({ input: { create: { width: w, height: h, channels: 3, background: '#000' } }, left: 1000 + x, top: 130 + y });
    return scanned(await sharp({ create: { width: W, height: H, channels: 3, background: '#fff' } }).composite(layers).png().toBuffer());
  };
  const code = 'SOHOA1:D:ST01ABCD-01HZX5Y7Q3K8M2N4P6R8T0V2W4';

  it('reads a cover-sheet QR on the 100 dpi pass', async () => {
    const qr = await QRCode.toBuffer(code, { errorCorrectionLevel: 'M', width: 520, margin: 4 });
    expect(await readSheetMarks(await decodeImage(await page(qr)))).toEqual({ qr: [code], unreadableQr: 0, patch: null });
  });

  it('counts a smudged QR as unreadable instead of returning a guess', async () => {
    const qr = await QRCode.toBuffer(code, { errorCorrectionLevel: 'M', width: 520, margin: 4 });
    const marks = await readSheetMarks(await decodeImage(await page(qr, [[182, 182, 156, 156]])));
    expect(marks.qr).toEqual([]);
    expect(marks.unreadableQr).toBeGreaterThan(0);
  });

  it('finds no marks on real scans and generated text pages', async () => {
    for (const s of REAL_SCANS) {
      const img = await decodeImage(readFileSync(scanPath(s)), { dpiHint: s.dpi });
      expect(await readSheetMarks({ ...img, dpi: s.dpi }), s.file).toEqual({ qr: [], unreadableQr: 0, patch: null });
    }
    for (const seed of [1, 2]) {
      const p = await renderPage({ seed, dpi: DPI, seal: seed === 2 });
      const img = { width: p.width, height: p.height, channels: p.channels, data: p.pixels, dpi: DPI, bitonal: false };
      expect(await readSheetMarks(img), `generated page ${seed}`).toEqual({ qr: [], unreadableQr: 0, patch: null });
    }
  });
});
