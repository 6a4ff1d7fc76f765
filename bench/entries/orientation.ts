/**
 * Orientation on real scans: what the tesseract second opinion costs and what it buys. Each real scan of
 * tests/fixtures/scans (upright and turned by 90/180/270°) is analysed with the cheap estimate alone
 * (`orientationCheck: 'off'`) and as the station does it (with the second opinion on undecided pages); the
 * generated A4 pages of the core bench are analysed the same way to show that ordinary text pages never pay
 * for it. Figures: ms per page for both, how many pages asked for the second opinion, how many turned
 * copies came back upright with each.
 */
import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import { analyseImage, ANALYSIS_DPI } from '../../electron/core/imaging/analyse';
import { decodeImage } from '../../electron/core/imaging/decode';
import { grayCopy } from '../../electron/core/imaging/gray';
import { detectOrientation } from '../../electron/core/imaging/orientation';
import type { RasterImage } from '../../electron/core/imaging/raster';
import { REAL_SCANS, scanPath } from '../../tests/fixtures/scans/catalogue';
import { target, type BenchEntry } from '../lib/types';

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

async function timed(img: RasterImage, check: 'ocr' | 'off'): Promise<{ ms: number; rotation: number }> {
  const t = performance.now();
  const a = await analyseImage(img, 'color-auto', { orientationCheck: check });
  return { ms: performance.now() - t, rotation: a.rotation };
}

const entry: BenchEntry = {
  name: 'orientation',
  description: 'orientation of real scans: cost and effect of the tesseract second opinion',
  async run(ctx) {
    const rows: string[][] = [['page', 'turn', 'undecided', 'cheap ms', 'with OCR ms', 'cheap back', 'with OCR back']];
    const perPage: { file: string; turn: number; undecided: boolean; cheapMs: number; ocrMs: number; cheapUpright: boolean; ocrUpright: boolean }[] = [];
    for (const scan of REAL_SCANS.filter((s) => !s.blank)) {
      const bytes = readFileSync(scanPath(scan));
      for (const turn of [0, 90, 180, 270] as const) {
        const out = turn === 0 ? bytes : await sharp(bytes).rotate(turn).png().toBuffer();
        const img = { ...(await decodeImage(out, { dpiHint: scan.dpi })), dpi: scan.dpi };
        const undecided = detectOrientation(await grayCopy(img, ANALYSIS_DPI)).undecided !== null;
        const cheap = await timed(img, 'off');
        const ocr = await timed(img, 'ocr');
        const row = { file: scan.file, turn, undecided, cheapMs: cheap.ms, ocrMs: ocr.ms, cheapUpright: (turn + cheap.rotation) % 360 === 0, ocrUpright: (turn + ocr.rotation) % 360 === 0 };
        perPage.push(row);
        rows.push([scan.file, String(turn), String(undecided), cheap.ms.toFixed(0), ocr.ms.toFixed(0), String(row.cheapUpright), String(row.ocrUpright)]);
        ctx.log(`orientation ${scan.file} ${turn}°: ${cheap.ms.toFixed(0)} / ${ocr.ms.toFixed(0)} ms`);
      }
    }
    // Ordinary text pages (the core bench's generated A4 pages) should never ask tesseract.
    const generated: number[] = [];
    let generatedAsked = 0;
    for (const p of ctx.pages.slice(0, ctx.quick ? 2 : 8)) {
      const img = await decodeImage(readFileSync(p.pnmPath), { dpiHint: p.dpi });
      if (detectOrientation(await grayCopy(img, ANALYSIS_DPI, p.dpi)).undecided) generatedAsked++;
      generated.push((await timed(img, 'ocr')).ms);
    }
    const asked = perPage.filter((p) => p.undecided);
    const upright = (k: 'cheapUpright' | 'ocrUpright'): number => perPage.filter((p) => p[k]).length;
    return {
      figures: {
        pages: perPage,
        realPages: perPage.length,
        askedSecondOpinion: asked.length,
        medianMsUndecided: { cheap: median(asked.map((p) => p.cheapMs)), withOcr: median(asked.map((p) => p.ocrMs)) },
        medianMsDecided: median(perPage.filter((p) => !p.undecided).map((p) => p.ocrMs)),
        uprightAfter: { cheap: upright('cheapUpright'), withOcr: upright('ocrUpright') },
        generatedPages: { count: generated.length, askedSecondOpinion: generatedAsked, medianMs: median(generated) },
      },
      targets: [
        target({
          id: 'orientation-real-scans-upright',
          description: 'real scans (upright + turned copies) that end upright with the second opinion, share',
          value: upright('ocrUpright') / perPage.length,
          limit: 1,
          unit: '',
          comparison: '>=',
        }),
        target({
          id: 'orientation-generated-pages-no-ocr',
          description: 'generated A4 text pages that asked tesseract for a second opinion',
          value: generatedAsked,
          limit: 0,
          unit: 'pages',
          comparison: '<=',
        }),
      ],
      table: rows,
    };
  },
};
export default entry;
