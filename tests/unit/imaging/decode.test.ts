import { deflateSync, crc32 } from 'node:zlib';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeImage, decodePages, probeImage } from '../../../electron/core/imaging/decode';
import { readTiffIfds } from '../../../electron/core/imaging/tiff';
import { encodeAs, renderPage } from '../../fixtures/analysis/pages';

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'resolved';
  } catch (err) {
    return (err as { code?: string }).code ?? String(err);
  }
}

function pngChunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td) >>> 0);
  return Buffer.concat([len, td, crc]);
}

/** A PNG whose header declares width×height gray pixels, with a small valid-looking IDAT. */
function declaredPng(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // gray
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', deflateSync(Buffer.alloc(1024 * 1024))), // 1 MB of zeros in ~1 KB: a bomb's fuse
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

const small = renderPage({ lines: 3, dpi: 50 });

describe('decoding raw page formats', () => {
  it('decodes SANE PNM P6 colour, P5 gray, P4 bitmap and 16-bit PNM to 8-bit samples', async () => {
    const img = await small;
    const p6 = await decodeImage(await encodeAs(img, 'pnm'), { dpiHint: 50 });
    expect([p6.width, p6.height, p6.channels, p6.dpi, p6.bitonal]).toEqual([img.width, img.height, 3, 50, false]);
    expect(p6.data.equals(img.data)).toBe(true);
    const p5 = await decodeImage(await encodeAs(img, 'pgm'));
    expect([p5.channels, p5.dpi]).toEqual([1, null]);
    const p4 = await decodeImage(await encodeAs(img, 'pbm'));
    expect(p4.bitonal).toBe(true);
    expect(new Set(p4.data)).toEqual(new Set([0, 255]));
    const p16 = await decodeImage(await encodeAs(img, 'pnm16'));
    expect(p16.data.equals(img.data)).toBe(true);
  });

  it('decodes PNG, JPEG and TIFF with their resolution', async () => {
    const img = await small;
    for (const f of ['png', 'jpeg', 'tiff'] as const) {
      const d = await decodeImage(await encodeAs(img, f));
      expect([d.width, d.height, d.channels, d.dpi], f).toEqual([img.width, img.height, 3, 50]);
    }
  });

  it('decodes a CCITT G4 TIFF as a bitonal page', async () => {
    const d = await decodeImage(await encodeAs(await small, 'tiff-g4'));
    expect(d.bitonal).toBe(true);
    expect(d.channels).toBe(1);
  });

  it('walks every page of a multi-page TIFF', async () => {
    const a = await small;
    const b = await renderPage({ lines: 1, dpi: 50, paper: '#ffffff' });
    const pages = await Promise.all([a, b].map((p) => sharp(p.data, { raw: { width: p.width, height: p.height, channels: 3 } }).png().toBuffer()));
    const tiff = await sharp(pages, { join: { animated: true } }).tiff({ compression: 'lzw' }).toBuffer();
    const probe = await probeImage(tiff);
    expect(probe.pages).toBe(2);
    const seen: number[] = [];
    for await (const p of decodePages(tiff)) seen.push(p.width);
    expect(seen).toEqual([a.width, b.width]);
  });
});

describe('bad input gets a clear code, never unbounded memory', () => {
  it('refuses a zero-byte file with FILE_EMPTY', async () => {
    expect(await codeOf(decodeImage(Buffer.alloc(0)))).toBe('FILE_EMPTY');
  });

  it('refuses truncated PNG, JPEG, TIFF and PNM with IMAGE_CORRUPT', async () => {
    const img = await small;
    for (const f of ['png', 'jpeg', 'tiff', 'pnm'] as const) {
      const whole = await encodeAs(img, f);
      const cut = whole.subarray(0, Math.floor(whole.length * 0.6));
      expect(await codeOf(decodeImage(cut, { dpiHint: 200 })), f).toBe('IMAGE_CORRUPT');
    }
  });

  it('refuses garbage with IMAGE_UNSUPPORTED and a corrupt JPEG body with IMAGE_CORRUPT', async () => {
    expect(await codeOf(decodeImage(Buffer.from('%PDF-1.4 not an image')))).toBe('IMAGE_UNSUPPORTED');
    const jpeg = Buffer.from(await encodeAs(await small, 'jpeg'));
    for (let i = 400; i < jpeg.length - 2; i += 7) jpeg[i] = 0xff; // markers everywhere in the entropy data
    expect(await codeOf(decodeImage(jpeg))).toBe('IMAGE_CORRUPT');
  });

  it('refuses a decompression bomb from its header with IMAGE_TOO_LARGE, without allocating it', async () => {
    const bomb = declaredPng(60_000, 60_000); // 3.6 GP declared
    const before = process.memoryUsage().rss;
    expect(await codeOf(decodeImage(bomb))).toBe('IMAGE_TOO_LARGE');
    expect(await codeOf(decodeImage(Buffer.from('P6\n100000 100000\n255\n', 'latin1')))).toBe('IMAGE_TOO_LARGE');
    expect(process.memoryUsage().rss - before).toBeLessThan(100 * 1024 * 1024);
  });

  it('honours a lower pixel limit', async () => {
    const png = await encodeAs(await small, 'png');
    expect(await codeOf(decodeImage(png, { maxPixels: 1000 }))).toBe('IMAGE_TOO_LARGE');
  });

  it('refuses a TIFF with an unsupported compression (JPEG 2000, 34712) with IMAGE_UNSUPPORTED', async () => {
    const tiff = Buffer.from(await encodeAs(await small, 'tiff'));
    // patch the Compression tag (259) of the first IFD
    const le = tiff[0] === 0x49;
    const ifd = le ? tiff.readUInt32LE(4) : tiff.readUInt32BE(4);
    const n = le ? tiff.readUInt16LE(ifd) : tiff.readUInt16BE(ifd);
    let patched = false;
    for (let k = 0; k < n; k++) {
      const e = ifd + 2 + k * 12;
      if ((le ? tiff.readUInt16LE(e) : tiff.readUInt16BE(e)) === 259) {
        if (le) tiff.writeUInt16LE(34712, e + 8);
        else tiff.writeUInt16BE(34712, e + 8);
        patched = true;
      }
    }
    expect(patched).toBe(true);
    expect(readTiffIfds(tiff)[0]!.compression).toBe(34712);
    expect(await codeOf(decodeImage(tiff))).toBe('IMAGE_UNSUPPORTED');
  });
});
