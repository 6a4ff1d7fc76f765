import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeImage } from '../../../electron/core/imaging/decode';
import type { RasterImage } from '../../../electron/core/imaging/raster';
import { assemblePdf } from '../../../electron/core/pdf/assemble';
import { thresholdToPaper } from '../../../electron/core/pdf/encode';
import { PROFILE_IDS, PROFILES, type ProfileId } from '../../../electron/common/compressionProfiles';
import { encodeAs, renderPage, VIETNAMESE_LINES } from '../../fixtures/analysis/pages';
import { characterErrorRate } from '../../fixtures/pages/cer';
import { REAL_SCANS, scanPath } from '../../fixtures/scans/catalogue';
import { runCli } from '../../helpers/cli';
import { checkImageXObjects } from '../../helpers/pdfImages';
import { grayOf, ocrGray, psnr, renderGray, RENDERERS, type GrayRaster } from '../../helpers/reader';
import { tempDir } from '../../helpers/tmp';

/**
 * The reader's check: every compression profile's output for every pixel type a scanner or a citizen's file
 * brings, drawn by poppler (pdftoppm) and Ghostscript, compared with the source page. Structural first (each
 * image XObject's dictionary agrees with its stream), then pixels (PSNR of the rendering against the
 * source), then text (tesseract vie on the gray page's renderings).
 */
const DPI = 150;
const LINES = 8;

type PixelKind = 'bitonal' | 'gray' | 'gray16' | 'palette' | 'rgb' | 'cmyk-jpeg' | 'exif-jpeg';
const KINDS: PixelKind[] = ['bitonal', 'gray', 'gray16', 'palette', 'rgb', 'cmyk-jpeg', 'exif-jpeg'];

interface Source {
  file: string;
  /** The page as the original's reader sees it (decoded, EXIF-turned upright), gray. */
  reference: GrayRaster;
  upright: RasterImage;
}

/**
 * Lowest acceptable PSNR (dB) of a rendering against its source, by how the profile codes the page: JPEG
 * keeps the picture (≥ 35 dB; measured 35.4–40.3), and so does every profile for a gray page; MRC swaps text pixels for one colour and lowers the
 * paper's resolution (≥ 26 dB; measured 27.7–36.7); G4 keeps the ink/paper cut, so it is compared with that
 * cut of the source (lossless: ≥ 40 dB). A garbled image (wrong component count) scores ≈ 8–12 dB.
 */
function minPsnr(profile: ProfileId, kind: PixelKind): number {
  const p = PROFILES[profile];
  if (kind === 'bitonal' || p.method === 'g4') return 40; // G4 is lossless
  if (kind === 'gray' || kind === 'gray16') return 35; // a gray page is one gray JPEG in every other profile
  if (p.method === 'mrc' || p.method === 'auto') return 26;
  return 35;
}

/** What a faithful rendering of `profile` looks like: the source, or for G4 its 1-bit cut at the paper level. */
function expected(profile: ProfileId, src: Source): GrayRaster {
  if (PROFILES[profile].method !== 'g4' || src.upright.bitonal) return src.reference;
  return { ...src.reference, data: thresholdToPaper(src.reference.data) };
}

async function writeSource(dir: string, kind: PixelKind, page: RasterImage): Promise<string> {
  const raw = () => sharp(page.data, { raw: { width: page.width, height: page.height, channels: page.channels } }).withDensity(DPI);
  const file = join(dir, `${kind}.${kind === 'bitonal' ? 'pbm' : kind.endsWith('jpeg') ? 'jpg' : 'png'}`);
  let bytes: Buffer;
  switch (kind) {
    case 'bitonal':
      bytes = await encodeAs(page, 'pbm');
      break;
    case 'gray':
      bytes = await raw().toColourspace('b-w').png().toBuffer();
      break;
    case 'gray16':
      bytes = await raw().toColourspace('grey16').png().toBuffer();
      break;
    case 'palette':
      bytes = await raw().png({ palette: true, colours: 64, dither: 0 }).toBuffer();
      break;
    case 'rgb':
      bytes = await raw().png().toBuffer();
      break;
    case 'cmyk-jpeg':
      bytes = await raw().toColourspace('cmyk').jpeg({ quality: 92 }).toBuffer();
      break;
    case 'exif-jpeg':
      // Stored sideways with EXIF orientation 6 ("turn 90° clockwise to view"), as phones and some scanners write.
      bytes = await sharp(await raw().rotate(270).jpeg({ quality: 92 }).toBuffer())
        .withMetadata({ density: DPI, orientation: 6 })
        .jpeg({ quality: 92 })
        .toBuffer();
      break;
  }
  writeFileSync(file, bytes);
  return file;
}

describe('reader’s check: every profile × pixel type, drawn by poppler and Ghostscript', () => {
  const dir = tempDir('sohoa-reader-', { scope: 'file' });
  const sources = new Map<PixelKind, Source>();

  beforeAll(async () => {
    // The top of an A4 page (text block, cream paper): a third of the pixels keeps the 4× renderings quick.
    const a4 = await renderPage({ dpi: DPI, lines: LINES });
    const height = Math.round(a4.height / 3);
    const page: RasterImage = { ...a4, height, data: a4.data.subarray(0, a4.width * height * 3) };
    for (const kind of KINDS) {
      const file = await writeSource(dir, kind, page);
      const upright = await decodeImage(readFileSync(file), { dpiHint: DPI });
      sources.set(kind, { file, upright, reference: await grayOf(upright) });
    }
    // The sources are what they claim to be (a gray16 PNG really 16-bit, the CMYK JPEG really CMYK…).
    const meta = await Promise.all(KINDS.filter((k) => k !== 'bitonal').map(async (k) => [k, await sharp(sources.get(k)!.file).metadata()] as const));
    const m = Object.fromEntries(meta);
    expect(m['gray16']!.depth).toBe('ushort');
    expect(m['palette']!.isPalette).toBe(true);
    expect(m['cmyk-jpeg']!.space).toBe('cmyk');
    expect(m['exif-jpeg']!.orientation).toBe(6);
    expect(sources.get('bitonal')!.upright.bitonal).toBe(true);
  });

  for (const profile of PROFILE_IDS) {
    it(`${profile}: every pixel type renders like its source in pdftoppm and Ghostscript`, async () => {
      const rows: string[] = [];
      const failures: string[] = [];
      for (const kind of KINDS) {
        const src = sources.get(kind)!;
        const out = join(dir, `${profile}-${kind}.pdf`);
        const bytes = readFileSync(src.file);
        await assemblePdf([{ label: kind, dpi: DPI, load: () => decodeImage(bytes, { dpiHint: DPI }) }], out, { profile, meta: { title: `${profile} ${kind}` }, autoOrient: false, deskew: false });
        const xobjects = await checkImageXObjects(readFileSync(out));
        expect(xobjects.length, `${profile}/${kind}: image XObjects`).toBeGreaterThan(0);
        for (const x of xobjects) for (const p of x.problems) failures.push(`${profile}/${kind} ${x.ref}: ${p}`);
        const min = minPsnr(profile, kind);
        const want = expected(profile, src);
        for (const renderer of RENDERERS) {
          const seen = await renderGray(out, DPI, renderer, dir);
          const db = psnr(seen, want);
          rows.push(`${kind.padEnd(10)} ${renderer.padEnd(8)} ${db.toFixed(1)} dB (min ${min})`);
          if (!(db >= min)) failures.push(`${profile}/${kind} in ${renderer}: PSNR ${db.toFixed(1)} dB < ${min}`);
        }
      }
      console.info(`reader's check ${profile}\n${rows.join('\n')}`);
      expect(failures).toEqual([]);
    });
  }

  it('a real gray book scan through `sohoa pdf` (default profile) renders as its source (PSNR ≥ 35 dB) in both renderers', async () => {
    const scan = REAL_SCANS.find((x) => x.kind === 'book')!;
    const out = join(dir, 'cli-book.pdf');
    const r = runCli(['pdf', scanPath(scan), '--out', out, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as { pageDetails: { rotation: number }[] }).pageDetails[0]!.rotation).toBe(0);
    expect((await checkImageXObjects(readFileSync(out))).flatMap((x) => x.problems)).toEqual([]);
    const reference = await grayOf(await decodeImage(readFileSync(scanPath(scan))));
    for (const renderer of RENDERERS) expect(psnr(await renderGray(out, scan.dpi, renderer, dir), reference), renderer).toBeGreaterThanOrEqual(35);
  });

  it('a gray page through `sohoa pdf` (default profile) renders as its source (PSNR ≥ 35 dB) and reads back in both renderers', async () => {
    const src = sources.get('gray')!;
    const out = join(dir, 'cli-gray.pdf');
    const r = runCli(['pdf', src.file, '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const xobjects = await checkImageXObjects(readFileSync(out));
    expect(xobjects.flatMap((x) => x.problems)).toEqual([]);
    expect(xobjects.every((x) => x.declaredComponents === 1 && x.streamComponents !== 3)).toBe(true);
    const truth = Array.from({ length: LINES }, (_, i) => VIETNAMESE_LINES[i % VIETNAMESE_LINES.length]).join('\n');
    for (const renderer of RENDERERS) {
      const seen = await renderGray(out, DPI, renderer, dir);
      expect(psnr(seen, src.reference), renderer).toBeGreaterThanOrEqual(35);
      const cer = characterErrorRate(truth, await ocrGray(seen, DPI, dir));
      expect(cer, `${renderer} OCR character error rate`).toBeLessThan(0.1);
    }
  });
});
