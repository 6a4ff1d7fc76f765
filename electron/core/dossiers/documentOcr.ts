import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { OcrStatus } from '../../common/api/documents';
import { StationError } from '../../common/errors';
import { ulid } from '../../common/ids';
import { foldText } from '../../common/search';
import { createLogger } from '../log/logger';
import { appendAudit } from '../store/audit';
import { findComponent } from '../store/dossiers';
import { getOcrJob, insertOcrJob, setOcrJobState, setOcrProgress, swapInOcrResult, unfinishedOcrJobs, type OcrJobRow } from '../store/ocrJobs';
import { getSetting, setSetting } from '../store/settings';
import { documentForSigning } from '../store/signatures';
import type { Station } from '../station/station';
import type { ProfileId } from '../../common/compressionProfiles';

const log = createLogger('pdf.ocr');

/** Setting: tesseract language of the background OCR (null/absent: off). */
export const OCR_LANG_SETTING = 'ocr.lang';

/** Thrown inside a job when the station closes: the job stays 'running' and is taken up at the next start. */
class Closing extends Error {}

/**
 * Background OCR of assembled documents: the clerk never waits for tesseract at the counter. After
 * documents.assemble a job is queued (when the admin turned OCR on); one job at a time assembles the same
 * pages again with an invisible text layer (pdf/textLayer.ts) and swaps the document's bytes — only while the
 * document still holds the bytes the job began from and is unsigned — and stores each page's text for the
 * station's search. Signing waits for the document's queued or running job (progress events meanwhile), so the
 * text layer is inside the signed PDF; a failed job leaves the document as assembled (signed without text).
 * Jobs are rows: a restart takes up queued and interrupted ones.
 */
export class OcrQueue {
  private chain: Promise<void> = Promise.resolve();
  private readonly waits = new Map<string, Promise<void>>();
  private closed = false;
  /** Jobs run on their own only in the long-running service; a one-shot CLI command runs one when it signs. */
  private background = false;

  constructor(private readonly station: Station) {
    station.onClose(() => this.close());
  }

  /** The OCR language (null: off): the admin's setting, else SOHOA_OCR_LANG (IT's preset), else off. */
  language(): string | null {
    const set = getSetting<string | null>(this.station.store, OCR_LANG_SETTING);
    if (set !== undefined) return set;
    const env = process.env.SOHOA_OCR_LANG;
    return env && /^[a-z_]{3,12}(\+[a-z_]{3,12}){0,3}$/.test(env) ? env : null;
  }

  setLanguage(lang: string | null, by: string | null): void {
    setSetting(this.station.store, OCR_LANG_SETTING, lang, by);
  }

  /** After an assembly: queue the document's OCR when OCR is on. */
  afterAssembly(doc: { documentId: string; sha256: string; pageCount: number; profile: ProfileId; pdfaLevel: '1b' | '2b' }): void {
    const lang = this.language();
    if (!lang) return;
    insertOcrJob(this.station.store, { documentId: doc.documentId, lang, profile: doc.profile, level: doc.pdfaLevel, sourceSha256: doc.sha256, pages: doc.pageCount });
    this.announce(doc.documentId);
    if (this.background) this.schedule(doc.documentId);
  }

  /** The long-running service: runs queued jobs from now on, beginning with those a restart left. */
  startBackground(): void {
    this.background = true;
    for (const j of unfinishedOcrJobs(this.station.store)) this.schedule(j.document_id);
  }

  /** Resolves once the document has no queued or running OCR job (runs it now if nobody has). */
  settle(documentId: string): Promise<void> {
    const job = getOcrJob(this.station.store, documentId);
    if (job && (job.state === 'queued' || job.state === 'running')) this.schedule(documentId);
    return this.waits.get(documentId) ?? Promise.resolve();
  }

  status(documentId: string): OcrStatus {
    const doc = documentForSigning(this.station.store, documentId);
    if (!doc) throw new StationError('NOT_FOUND', `no document ${documentId}`, { documentId });
    const job = getOcrJob(this.station.store, documentId);
    return {
      documentId,
      componentId: doc.componentId,
      dossierId: doc.dossierId,
      state: job?.state ?? 'none',
      pagesDone: job?.pages_done ?? 0,
      pagesTotal: job?.pages_total ?? doc.pageCount,
      errorCode: job?.error_code ?? null,
    };
  }

  /** Stops taking jobs; a running one stops at its next page and is taken up at the next start. */
  async close(): Promise<void> {
    this.closed = true;
    await this.chain;
  }

  private announce(documentId: string): void {
    try {
      this.station.emit('document.ocr', this.status(documentId));
    } catch (err) {
      log.warn('ocr status not sent', { documentId, err: String(err) });
    }
  }

  private schedule(documentId: string): void {
    if (this.waits.has(documentId) || this.closed) return;
    const run = this.chain.then(() => this.run(documentId));
    const done = run
      .catch((err: unknown) => {
        if (err instanceof Closing) return;
        const code = err instanceof StationError ? err.code : 'OCR_FAILED';
        log.warn('background OCR failed: the document stays as assembled', { documentId, code, err: String(err) });
        setOcrJobState(this.station.store, documentId, 'failed', code);
        this.announce(documentId);
      })
      .finally(() => this.waits.delete(documentId));
    this.chain = done;
    this.waits.set(documentId, done);
  }

  private async run(documentId: string): Promise<void> {
    if (this.closed) throw new Closing();
    const { store, blobs } = this.station;
    const job = getOcrJob(store, documentId);
    if (!job || (job.state !== 'queued' && job.state !== 'running')) return;
    const doc = documentForSigning(store, documentId);
    if (!doc || doc.sha256 !== job.source_sha256 || doc.state !== 'assembled') return this.supersede(job);
    // Assembled again since (a newer document of the component): that one's job gives the text.
    if (findComponent(store, doc.componentId)?.documentId !== documentId) return this.supersede(job);
    // Loaded on use: assembly brings sharp and the PDF writer, which a one-shot CLI command never needs.
    const [{ assemblePdf }, { componentMeta, componentPages }] = await Promise.all([import('../pdf/assemble'), import('../pdf/assembleComponent')]);
    const { info, sources } = componentPages(this.station, doc.componentId);
    // The pages changed since the assembly (a newer document will follow): nothing to add text to.
    if (sources.length !== job.pages_total) return this.supersede(job);
    setOcrJobState(store, documentId, 'running');
    setOcrProgress(store, documentId, 0);
    this.announce(documentId);
    mkdirSync(this.station.layout.tmp, { recursive: true, mode: 0o700 });
    const tmp = join(this.station.layout.tmp, `ocr-${ulid()}.pdf`);
    const texts: string[] = [];
    try {
      const result = await assemblePdf(sources, tmp, {
        profile: job.profile as ProfileId,
        level: job.pdfa_level,
        meta: componentMeta(info),
        ocr: { lang: job.lang, ...(process.env.SOHOA_TESSDATA ? { tessdata: process.env.SOHOA_TESSDATA } : {}) },
        concurrency: 1,
        onPage: (i, outcome) => {
          if (this.closed) throw new Closing();
          texts[i] = (outcome.text ?? '').normalize('NFC');
          setOcrProgress(store, documentId, i + 1);
          this.announce(documentId);
        },
      });
      const put = await blobs.putFile(tmp, { move: true });
      const swapped = swapInOcrResult(store, {
        documentId,
        fromSha256: job.source_sha256,
        sha256: put.sha256,
        size: put.size,
        pages: texts.map((t) => ({ text: t, folded: foldText(t) })),
      });
      if (!swapped) return this.supersede(job);
      appendAudit(store, {
        actor: null,
        action: 'document.ocr',
        subjectType: 'document',
        subjectId: documentId,
        details: { lang: job.lang, pages: result.written.pages, from: job.source_sha256, sha256: put.sha256 },
      });
      this.station.emit('document.changed', { id: documentId, sha256: put.sha256, componentId: doc.componentId, dossierId: doc.dossierId });
      this.announce(documentId);
    } finally {
      rmSync(tmp, { force: true });
      rmSync(`${tmp}.part`, { force: true });
    }
  }

  private supersede(job: OcrJobRow): void {
    setOcrJobState(this.station.store, job.document_id, 'superseded');
    this.announce(job.document_id);
  }
}
