import { execFileSync } from 'node:child_process';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { FILE_MEDIA_TYPES, isBigTiff, isTiff, sniffFileType, type FileType } from '../../../electron/common/fileType';
import { importKindOf } from '../../../electron/common/importing';
import { decodeImage } from '../../../electron/core/imaging/decode';

/** A real file written by ImageMagick (in scripts/debian-packages.txt): big-endian and BigTIFF, which sharp cannot write. */
function magick(args: string[], out: string): Buffer {
  return execFileSync('convert', ['-size', '24x16', 'gradient:white-black', ...args, `${out}:-`], { maxBuffer: 1 << 20 });
}

type RealFile = { name: string; bytes: Buffer; type: FileType };
let made: Promise<RealFile[]> | undefined;
const realFiles = (): Promise<RealFile[]> => (made ??= makeRealFiles());

async function makeRealFiles(): Promise<RealFile[]> {
  const gray = sharp({ create: { width: 24, height: 16, channels: 3, background: '#808080' } });
  return [
    { name: 'PNG (sharp)', bytes: await gray.clone().png().toBuffer(), type: 'png' },
    { name: 'JPEG (sharp)', bytes: await gray.clone().jpeg().toBuffer(), type: 'jpeg' },
    { name: 'TIFF II (sharp)', bytes: await gray.clone().tiff().toBuffer(), type: 'tiff' },
    { name: 'TIFF MM (ImageMagick)', bytes: magick(['-define', 'tiff:endian=msb'], 'TIFF'), type: 'tiff' },
    { name: 'BigTIFF II (ImageMagick)', bytes: magick([], 'TIFF64'), type: 'tiff' },
    { name: 'BigTIFF MM (ImageMagick)', bytes: magick(['-define', 'tiff:endian=msb'], 'TIFF64'), type: 'tiff' },
    { name: 'PNM P4 (ImageMagick)', bytes: magick(['-monochrome'], 'PBM'), type: 'pnm' },
    { name: 'PNM P5 (ImageMagick)', bytes: magick([], 'PGM'), type: 'pnm' },
    { name: 'PNM P6 (ImageMagick)', bytes: magick([], 'PPM'), type: 'pnm' },
    { name: 'PDF (Ghostscript)', bytes: ghostscriptPdf(), type: 'pdf' },
  ];
}

function ghostscriptPdf(): Buffer {
  return execFileSync('gs', ['-q', '-dSAFER', '-dBATCH', '-dNOPAUSE', '-sDEVICE=pdfwrite', '-sOutputFile=-', '-c', 'showpage'], { maxBuffer: 1 << 20 });
}

describe('the one magic-number sniffer (common/fileType.ts)', () => {
  it('names every file type the station reads from real headers: TIFF II/MM, BigTIFF, PNG, JPEG, PDF, PNM', async () => {
    for (const f of await realFiles()) expect(sniffFileType(f.bytes), f.name).toBe(f.type);
  });

  it('decodes every image it names, so importing and imaging agree on what a file is', async () => {
    for (const f of await realFiles()) {
      if (f.type === 'pdf') continue;
      const img = await decodeImage(f.bytes);
      expect([img.width, img.height], f.name).toEqual([24, 16]);
    }
  });

  it('tells classic TIFF from BigTIFF in both byte orders', async () => {
    const files = await realFiles();
    const by = (n: string): Buffer => files.find((f) => f.name.startsWith(n))!.bytes;
    expect([isTiff(by('TIFF II')), isBigTiff(by('TIFF II'))]).toEqual([true, false]);
    expect([isTiff(by('TIFF MM')), isBigTiff(by('TIFF MM'))]).toEqual([true, false]);
    expect([isTiff(by('BigTIFF II')), isBigTiff(by('BigTIFF II'))]).toEqual([false, true]);
    expect([isTiff(by('BigTIFF MM')), isBigTiff(by('BigTIFF MM'))]).toEqual([false, true]);
  });

  it('finds %PDF- after up to 1 KB of junk, not after it', () => {
    const pdf = ghostscriptPdf();
    expect(sniffFileType(Buffer.concat([Buffer.alloc(1000, 0x20), pdf]))).toBe('pdf');
    expect(sniffFileType(Buffer.concat([Buffer.alloc(1024, 0x20), pdf]))).toBeUndefined();
  });

  it('keeps the stricter check where the two old sniffers differed', async () => {
    const files = await realFiles();
    const png = files.find((f) => f.type === 'png')!.bytes;
    // A PNG mangled by a text-mode transfer (CR LF → LF) is not a PNG: all eight signature bytes count.
    const mangled = Buffer.concat([png.subarray(0, 4), Buffer.from([0x0a, 0x1a, 0x0a]), png.subarray(8)]);
    expect(sniffFileType(mangled)).toBeUndefined();
    // A TIFF needs its whole 8-byte header (the first IFD's offset), a BigTIFF its 16 bytes.
    const tiff = files.find((f) => f.name.startsWith('TIFF II'))!.bytes;
    expect(sniffFileType(tiff.subarray(0, 8))).toBe('tiff');
    expect(sniffFileType(tiff.subarray(0, 4))).toBeUndefined();
    const big = files.find((f) => f.name.startsWith('BigTIFF II'))!.bytes;
    expect(sniffFileType(big.subarray(0, 16))).toBe('tiff');
    expect(sniffFileType(big.subarray(0, 12))).toBeUndefined();
    // BigTIFF's offset size must be 8.
    expect(sniffFileType(Buffer.concat([big.subarray(0, 4), Buffer.from([4, 0]), big.subarray(6, 16)]))).toBeUndefined();
    // "P5" must be followed by whitespace or a comment, as netpbm requires.
    expect(sniffFileType(Buffer.from('P5 24 16 255\n'))).toBe('pnm');
    expect(sniffFileType(Buffer.from('P5#scanner\n24 16 255\n'))).toBe('pnm');
    expect(sniffFileType(Buffer.from('P5X is a note, not an image'))).toBeUndefined();
  });

  it('names nothing for other files and for an empty one', () => {
    for (const s of ['GIF89a\x01\x00', '<html><body>', 'PK\x03\x04zip', '']) expect(sniffFileType(Buffer.from(s, 'latin1')), s).toBeUndefined();
    expect(sniffFileType(Buffer.from([0xff, 0xd8]))).toBeUndefined();
  });

  it('lets a citizen import PDF, JPEG, PNG and TIFF, never the scanner spool format PNM', () => {
    expect((['pdf', 'jpeg', 'png', 'tiff', 'pnm', undefined] as const).map(importKindOf)).toEqual(['pdf', 'jpeg', 'png', 'tiff', undefined, undefined]);
    expect(FILE_MEDIA_TYPES.tiff).toBe('image/tiff');
  });
});
