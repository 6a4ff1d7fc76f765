/**
 * Bitonal scans (what a black-and-white scanner mode delivers: PNM P4) through the `bitonal` profile (lossless
 * JBIG2 generic region, specks removed) against ocrmypdf --output-type pdfa -O3 of the same bitmaps (via
 * img2pdf), in one run: bytes per page, tesseract vie CER of both renders. G4 of the same pixels is listed for
 * comparison. The bitonal pages are the generated pages thresholded at paper − 60 (no real bitonal scans
 * are available on this machine: bench/README.md).
 */
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { decodeImage } from '../../electron/core/imaging/decode';
import { g4Stream, thresholdToPaper } from '../../electron/core/pdf/encode';
import { readPnm, type FixturePage } from '../../tests/fixtures/pages/generate';
import { renderPdf, scoreImages } from '../lib/ocr';
import { crossCheckStreams } from '../lib/jbig2Check';
import { assembleRun } from '../lib/pipeline';
import { ensureBenchPackages, run, which } from '../lib/tools';
import { target, type BenchEntry } from '../lib/types';

/** P4 bytes of a 0/255 gray bitmap (1 = black, rows padded to bytes). */
function toP4(bw: Buffer, width: number, height: number): Buffer {
  const rowBytes = Math.ceil(width / 8);
  const data = Buffer.alloc(rowBytes * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) if (bw[y * width + x]! < 128) data[y * rowBytes + (x >> 3)]! |= 0x80 >> (x & 7);
  return Buffer.concat([Buffer.from(`P4\n${width} ${height}\n`, 'latin1'), data]);
}

const entry: BenchEntry = {
  name: 'bitonal',
  description: 'bitonal scans: bitonal profile (JBIG2) vs ocrmypdf -O3 of the same bitmaps — bytes per page and tesseract vie CER',
  async run(ctx) {
    const n = ctx.quick ? 2 : Math.min(8, ctx.pages.length);
    const ocrN = ctx.quick ? 1 : Math.min(4, n);
    const pages: FixturePage[] = [];
    const pngs: string[] = [];
    let g4Bytes = 0;
    for (const [i, p] of ctx.pages.slice(0, n).entries()) {
      const src = readPnm(readFileSync(p.pnmPath));
      const gray = await sharp(src.pixels, { raw: { width: src.width, height: src.height, channels: src.channels } }).toColourspace('b-w').raw().toBuffer();
      const bw = thresholdToPaper(gray);
      const pnmPath = join(ctx.workDir, `bitonal-${i}.pbm`);
      writeFileSync(pnmPath, toP4(bw, src.width, src.height));
      pages.push({ ...p, pnmPath });
      const png = join(ctx.workDir, `bitonal-${String(i).padStart(3, '0')}.png`);
      await sharp(bw, { raw: { width: src.width, height: src.height, channels: 1 } }).withMetadata({ density: p.dpi }).png({ palette: true, colours: 2 }).toFile(png);
      pngs.push(png);
      g4Bytes += (await g4Stream(bw, src.width, src.height)).length;
    }
    const decoded = await decodeImage(readFileSync(pages[0]!.pnmPath), { dpiHint: 200 });
    const ours = join(ctx.workDir, 'bitonal-ours.pdf');
    const r = await assembleRun(pages, n, 'bitonal', ours);
    const streams = await crossCheckStreams(ours, join(ctx.workDir, 'bitonal-streams'));
    const oursScore = await scoreImages(await renderPdf(ours, ocrN, join(ctx.workDir, 'bitonal-render-ours')), pages, 'vie');

    const pkgs = ensureBenchPackages(true, ctx.log);
    let anchor: { bytesPerPage: number; cer: number; recall: number } | null = null;
    let reason: string | undefined;
    if (!which('img2pdf') || !which('ocrmypdf')) reason = pkgs.reason ?? 'img2pdf/ocrmypdf not installed';
    else {
      const i2p = join(ctx.workDir, 'bitonal-img2pdf.pdf');
      const o3 = join(ctx.workDir, 'bitonal-O3.pdf');
      const a = await run('img2pdf', [...pngs, '-o', i2p]);
      const b = a.code === 0 ? await run('ocrmypdf', ['--output-type', 'pdfa', '-O3', '-l', 'vie', '--jobs', '2', '--quiet', i2p, o3], { timeoutMs: 1_800_000 }) : a;
      if (b.code !== 0) reason = `exit ${b.code}: ${b.stderr.trim().slice(-300)}`;
      else {
        const s = await scoreImages(await renderPdf(o3, ocrN, join(ctx.workDir, 'bitonal-render-O3')), pages, 'vie');
        anchor = { bytesPerPage: statSync(o3).size / n, cer: s.cer, recall: s.diacriticRecall };
      }
    }
    ctx.log(`bitonal: ours ${(r.bytesPerPage / 1024).toFixed(1)} KB/page CER ${(oursScore.cer * 100).toFixed(2)} %; G4 ${(g4Bytes / n / 1024).toFixed(1)} KB/page; O3 ${anchor ? `${(anchor.bytesPerPage / 1024).toFixed(1)} KB/page CER ${(anchor.cer * 100).toFixed(2)} %` : reason}`);
    return {
      figures: {
        pages: n,
        ocrPages: ocrN,
        sourceBitonal: decoded.bitonal,
        ours: { bytesPerPage: r.bytesPerPage, pagesPerSecond: r.pagesPerSecond, cer: oursScore.cer, diacriticRecall: oursScore.diacriticRecall },
        g4BytesPerPage: g4Bytes / n,
        jbig2Streams: streams,
        ocrmypdfO3: anchor ?? { available: false, reason },
      },
      targets: [
        target({
          id: 'jbig2-streams-identical',
          description: 'JBIG2 streams of the output decoded by jbig2dec and by poppler (pdfimages), pixel for pixel: streams that differ or fail',
          value: streams.total === n ? streams.total - streams.identical : null,
          limit: 0,
          unit: 'streams',
          comparison: '<=',
          ...(streams.total !== n ? { note: `${streams.total} JBIG2 streams found for ${n} pages` } : {}),
        }),
        target({
          id: 'bytes-vs-ocrmypdf-O3',
          description: 'bitonal profile bytes per page ÷ ocrmypdf -O3 of the same bitonal pages',
          value: anchor ? r.bytesPerPage / anchor.bytesPerPage : null,
          limit: 0.6,
          unit: '×',
          comparison: '<=',
          ...(reason ? { note: reason } : {}),
        }),
        target({
          id: 'cer-vs-ocrmypdf-O3',
          description: 'bitonal profile CER (tesseract vie, rendered at 300 dpi) minus ocrmypdf -O3 CER, in points',
          value: anchor ? (oursScore.cer - anchor.cer) * 100 : null,
          limit: 1,
          unit: 'points',
          comparison: '<=',
          ...(reason ? { note: reason } : {}),
        }),
      ],
      table: [
        ['bitonal pages', 'KB/page', 'CER vie %', 'marks %'],
        ['bitonal profile (JBIG2)', (r.bytesPerPage / 1024).toFixed(1), (oursScore.cer * 100).toFixed(2), (oursScore.diacriticRecall * 100).toFixed(1)],
        ['same pixels as G4', (g4Bytes / n / 1024).toFixed(1), '', ''],
        ['JBIG2 streams jbig2dec = poppler', `${streams.identical}/${streams.total}`, '', ''],
        ['ocrmypdf -O3', anchor ? (anchor.bytesPerPage / 1024).toFixed(1) : '—', anchor ? (anchor.cer * 100).toFixed(2) : '—', anchor ? (anchor.recall * 100).toFixed(1) : '—'],
      ],
    };
  },
};

export default entry;
