/**
 * Background OCR (issue 20): how many pages per second the station's OCR queue turns into searchable text
 * after an assembly — the job a clerk never waits for unless signing comes first. A real station in a temp data
 * directory: the bench's generated Vietnamese pages recorded as captured pages (as ingest does), assembled
 * (color-auto), then the queued job is run to its end (tesseract vie, one page at a time, the text-layered PDF
 * swapped in). Reported: pages/s of the job, seconds per page, and the assembly's own time for comparison.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createStationServices } from '../../electron/core/service/stationServices';
import { Station } from '../../electron/core/station/station';
import { createDossier } from '../../electron/core/store/dossiers';
import { getProcedure } from '../../electron/core/store/procedures';
import { assembleComponent } from '../../electron/core/pdf/assembleComponent';
import { storeCapturedPages } from '../../tests/helpers/capturedPages';
import { which } from '../lib/tools';
import type { BenchEntry } from '../lib/types';

const entry: BenchEntry = {
  name: 'background-ocr',
  description: 'OCR pages/s of the background job after assembly (tesseract vie, text layer swapped into the document)',
  async run(ctx) {
    if (!which('tesseract')) return { figures: { skipped: 'tesseract is not installed' } };
    const pages = ctx.pages.slice(0, ctx.quick ? 2 : 6);
    const station = Station.open({ dataDir: join(ctx.workDir, 'ocr-station'), holder: 'bench', keys: null });
    try {
      const { ocr } = createStationServices(station);
      ocr.setLanguage('vie', null);
      const procedure = getProcedure(station.store, '1.001193')!;
      const dossier = createDossier(station.store, {
        stationId: station.row.id,
        procedure,
        purpose: 'intake',
        ownerIdType: 'cccd',
        ownerId: '001099012345',
        ownerName: 'Nguyễn Văn A',
        ownerKind: 'citizen',
        summary: null,
        createdBy: null,
      });
      const componentId = dossier.components[0]!.id;
      storeCapturedPages(
        station,
        componentId,
        pages.map((p) => ({ bytes: readFileSync(p.pnmPath), width: p.width, height: p.height, dpi: p.dpi, pixelType: p.channels === 3 ? 'color' : 'gray' })),
      );
      const t0 = performance.now();
      const doc = await assembleComponent(station, { componentId, profile: 'color-auto', level: '1b', actor: null });
      const assembleS = (performance.now() - t0) / 1000;
      ocr.afterAssembly(doc);
      const t1 = performance.now();
      await ocr.settle(doc.documentId);
      const ocrS = (performance.now() - t1) / 1000;
      const status = ocr.status(doc.documentId);
      ctx.log(`background OCR: ${pages.length} pages in ${ocrS.toFixed(1)} s (${status.state})`);
      const perS = status.state === 'done' ? pages.length / ocrS : null;
      return {
        figures: { pages: pages.length, state: status.state, ocrSeconds: ocrS, pagesPerSecond: perS, secondsPerPage: perS ? 1 / perS : null, assembleSeconds: assembleS },
        table: [
          ['background OCR', 'pages', 'pages/s', 's/page', 'assembly s'],
          ['tesseract vie', String(pages.length), perS?.toFixed(2) ?? '—', perS ? (1 / perS).toFixed(1) : '—', assembleS.toFixed(1)],
        ],
      };
    } finally {
      await station.close();
    }
  },
};

export default entry;
