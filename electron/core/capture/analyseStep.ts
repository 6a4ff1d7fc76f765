import { scanProfileSchema, type CapturedPage, type ScanEventData } from '../../common/capture';
import { createLogger } from '../log/logger';
import { DEFAULT_PROFILE } from '../../common/compressionProfiles';
import { recordPageAnalysis } from '../store/assembly';
import { getScanJob } from '../store/capture';
import { getReviewPage } from '../store/reviewPages';
import type { Station } from '../station/station';

const log = createLogger('capture.analyse');

/**
 * The `analyse` step of ingest: after a page is durable (its `scan.page` sent), it is analysed — blank,
 * orientation, skew, compliance — the result is stored on the page row and `page.analysed` is sent, so the
 * counter shows blank flags and quality warnings while the scan goes on. Pages are analysed one at a time in
 * capture order, off the ingest path: a slow analysis never delays the next page's durability. Closing
 * finishes the queued pages (a `sohoa scan` ends with its stack separated); pages a crash left unanalysed are
 * queued again at the next start (CaptureService.recover).
 * After the analysis comes stack separation (separationStep.ts): cover, separator and patch sheets route the
 * pages that follow them. It runs before the analysis is stored, so a page whose analysis is stored was routed.
 */
export class AnalyseStep {
  private chain: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly station: Station,
    /** Whether a job's pages come as front/back pairs (the profile asked for duplex and the device did it). */
    private readonly duplexOf: (jobId: string) => boolean = () => false,
  ) {}

  /** Queues one durable page; returns at once. */
  enqueue(page: CapturedPage): void {
    if (this.closed) return;
    this.chain = this.chain.then(() => this.run(page)).catch((err: unknown) => {
      // Not fatal: the page is kept and assembly analyses it later.
      log.warn('page analysis failed', { pageId: page.id, err: String(err) });
    });
  }

  /** Resolves once every queued page has been analysed. */
  idle(): Promise<void> {
    return this.chain;
  }

  /** Takes no more pages and resolves once the queued ones are done. */
  close(): Promise<void> {
    this.closed = true;
    return this.chain;
  }

  private async run(page: CapturedPage): Promise<void> {
    const before = getReviewPage(this.station.store, page.id);
    if (!before || before.analysed) return;
    // Image analysis (sharp), the sheet-code readers and assembly's threshold load at the first page: a station
    // opened for a one-shot CLI command builds this step too and must not pay for them.
    const [{ analyseImage }, { decodeImage }, { AUTO_ORIENT_CONFIDENCE }, { separatePage }] = await Promise.all([
      import('../imaging/analyse'),
      import('../imaging/decode'),
      import('../pdf/assemble'),
      import('./separationStep'),
    ]);
    const bytes = this.station.blobs.get(page.sha256, { verify: true });
    const img = await decodeImage(bytes, { mediaType: page.mediaType, dpiHint: page.dpi });
    const a = await analyseImage(img, DEFAULT_PROFILE, { dpi: page.dpi });
    // Turned only on strong evidence and only while the clerk has not turned the page already.
    const auto = a.textPage && a.orientationConfidence >= AUTO_ORIENT_CONFIDENCE ? a.rotation : 0;
    const current = getReviewPage(this.station.store, page.id);
    if (!current) return;
    const autoRotation = current.rotation === 0 ? auto : 0;
    // A profile with blankPages 'keep' (e.g. forms whose empty backs must stay) asks for no blank flags.
    const job = page.jobId ? getScanJob(this.station.store, page.jobId) : undefined;
    const keepBlanks = job ? scanProfileSchema.parse(JSON.parse(job.profile_json)).blankPages === 'keep' : false;
    const routed = await separatePage(this.station, page, img, { blank: a.blankFlag === 'flagged', duplex: page.jobId !== null && this.duplexOf(page.jobId) });
    recordPageAnalysis(this.station.store, page.id, {
      blankScore: a.blankScore,
      blankFlag: keepBlanks ? 'none' : a.blankFlag,
      skewDeg: a.skewDeg,
      compliant: a.compliant,
      rotation: autoRotation === 0 ? null : autoRotation,
      rotationReason: autoRotation === 0 ? null : a.rotationReason,
      quality: a.quality,
    });
    const after = getReviewPage(this.station.store, page.id) ?? current;
    const ev: ScanEventData<'page.analysed'> = {
      pageId: page.id,
      componentId: routed.componentId,
      jobId: page.jobId,
      seq: page.seq,
      blankFlag: after.blankFlag,
      blankScore: a.blankScore,
      skewDeg: a.skewDeg,
      autoRotation,
      compliant: a.compliant,
      issues: a.issues,
      sheet: routed.sheet,
      sheetProblem: routed.problem,
    };
    this.station.emit('page.analysed', { ...ev });
  }
}
