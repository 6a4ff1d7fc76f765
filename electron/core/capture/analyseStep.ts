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
 * capture order, off the ingest path: a slow analysis never delays the next page's durability. A page the
 * step has not reached (a crash, a close) is analysed by assembly, which only analyses pages without a result.
 * Later steps of the same kind (reading separator and cover-sheet codes) belong here, after the analysis.
 */
export class AnalyseStep {
  private chain: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(private readonly station: Station) {}

  /** Queues one durable page; returns at once. */
  enqueue(page: CapturedPage): void {
    this.chain = this.chain.then(() => this.run(page)).catch((err: unknown) => {
      // Not fatal: the page is kept and assembly analyses it later.
      log.warn('page analysis failed', { pageId: page.id, err: String(err) });
    });
  }

  /** Resolves once every queued page has been analysed (or skipped after close). */
  idle(): Promise<void> {
    return this.chain;
  }

  close(): Promise<void> {
    this.closed = true;
    return this.chain;
  }

  private async run(page: CapturedPage): Promise<void> {
    if (this.closed) return;
    const before = getReviewPage(this.station.store, page.id);
    if (!before || before.analysed) return;
    // Image analysis (sharp) and assembly's threshold load at the first page: a station opened for a one-shot
    // CLI command builds this step too and must not pay for them.
    const [{ analysePage }, { AUTO_ORIENT_CONFIDENCE }] = await Promise.all([import('../imaging/analyse'), import('../pdf/assemble')]);
    const bytes = this.station.blobs.get(page.sha256, { verify: true });
    const a = await analysePage(bytes, page.mediaType, DEFAULT_PROFILE, { dpi: page.dpi });
    if (this.closed) return;
    // Turned only on strong evidence and only while the clerk has not turned the page already.
    const auto = a.textPage && a.orientationConfidence >= AUTO_ORIENT_CONFIDENCE ? a.rotation : 0;
    const current = getReviewPage(this.station.store, page.id);
    if (!current) return;
    const autoRotation = current.rotation === 0 ? auto : 0;
    // A profile with blankPages 'keep' (e.g. forms whose empty backs must stay) asks for no blank flags.
    const job = page.jobId ? getScanJob(this.station.store, page.jobId) : undefined;
    const keepBlanks = job ? scanProfileSchema.parse(JSON.parse(job.profile_json)).blankPages === 'keep' : false;
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
      componentId: page.componentId,
      jobId: page.jobId,
      seq: page.seq,
      blankFlag: after.blankFlag,
      blankScore: a.blankScore,
      skewDeg: a.skewDeg,
      autoRotation,
      compliant: a.compliant,
      issues: a.issues,
    };
    this.station.emit('page.analysed', { ...ev });
  }
}
