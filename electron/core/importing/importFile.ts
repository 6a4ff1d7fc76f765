import { randomBytes } from 'node:crypto';
import { closeSync, createReadStream, createWriteStream, mkdirSync, openSync, readFileSync, readSync, realpathSync, rmSync, statSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import { basename, join, sep } from 'node:path';
import { ulid } from '../../common/ids';
import { StationError } from '../../common/errors';
import { FILE_MEDIA_TYPES, sniffFileType } from '../../common/fileType';
import { IMPORT_LIMITS, importKindOf, type ImportedDocument } from '../../common/importing';
import { decodeImage, probeImage } from '../imaging/decode';
import { encodePage } from '../pdf/encode';
import { PdfAWriter } from '../pdf/writer';
import type { ProfileId } from '../../common/compressionProfiles';
import { createLogger } from '../log/logger';
import type { Station } from '../station/station';
import { appendAudit } from '../store/audit';
import { componentForImport, insertImportedDocument } from '../store/imports';
import { sanitiseFileName } from './fileName';
import { checkNormalised, normaliseWithGhostscript } from './ghostscript';
import { checkPdf } from './pdfCheck';
import { assertNotAbandoned } from '../dossiers/abandon';

const log = createLogger('import');

export interface ImportRequest {
  componentId: string;
  /** A file on this machine (the counter PC): USB stick, download folder. */
  path: string;
  /** Name to record; defaults to the path's last component. Sanitised either way. */
  fileName?: string;
  actor?: string | null;
}

export interface ImportLimits {
  maxFileBytes: number;
  maxImageFileBytes: number;
  maxPdfPages: number;
  maxImagePixels: number;
  maxImagePages: number;
}

/** A4 in inches: an image without a usable resolution is scaled to fit it. */
const A4_IN = { w: 210 / 25.4, h: 297 / 25.4 };

/**
 * The resolution to print an image at. A stated dpi is kept when the page it gives is between A6 and A2;
 * otherwise (phone photos say 72 dpi, or nothing) the long side is fitted to A4's long side.
 */
export function pageDpi(width: number, height: number, stated: number | null): { dpi: number; assumed: boolean } {
  if (stated && stated >= 50 && stated <= 2400) {
    const longIn = Math.max(width, height) / stated;
    if (longIn >= 5.8 && longIn <= 23.4) return { dpi: stated, assumed: false };
  }
  const fit = Math.max(width / (width > height ? A4_IN.h : A4_IN.w), height / (width > height ? A4_IN.w : A4_IN.h));
  return { dpi: Math.max(1, Math.round(fit)), assumed: true };
}

/** Copies the file into the work dir, refusing more than `max` bytes while copying (the source may grow). */
async function copyBounded(src: string, dst: string, max: number): Promise<number> {
  let n = 0;
  const limiter = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      n += chunk.length;
      if (n > max) cb(new StationError('FILE_TOO_LARGE', `the file is larger than ${max} bytes`, { maxBytes: max }));
      else cb(null, chunk);
    },
  });
  await pipeline(createReadStream(src), limiter, createWriteStream(dst, { mode: 0o600 }));
  return n;
}

function openError(err: unknown, path: string): StationError {
  if (err instanceof StationError) return err;
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new StationError('NOT_FOUND', `no file at ${path}`, { path });
  if (code === 'EACCES' || code === 'EPERM') return new StationError('FORBIDDEN', `cannot read ${path}`, { path });
  if (code === 'EISDIR') return new StationError('INVALID_REQUEST', `${path} is a directory`, { path });
  return new StationError('INTERNAL', `reading ${path}: ${(err as Error).message}`, { path });
}

/** Images → one PDF/A-1b page each (the imaging+pdf encoder and streaming writer). */
async function imagesToPdfA(input: string, output: string, title: string, limits: ImportLimits, warnings: string[]): Promise<number> {
  const buf = readFileSync(input);
  const probe = await probeImage(buf, { maxPixels: limits.maxImagePixels });
  if (probe.pages > limits.maxImagePages) {
    throw new StationError('IMAGE_TOO_LARGE', `the image has ${probe.pages} pages; at most ${limits.maxImagePages}`, { pages: probe.pages });
  }
  const writer = await PdfAWriter.open(output, { title, creator: 'SoHoa Station import' });
  try {
    let assumed = false;
    for (let page = 0; page < probe.pages; page++) {
      const img = await decodeImage(buf, { page, maxPixels: limits.maxImagePixels });
      const d = pageDpi(img.width, img.height, img.dpi);
      assumed ||= d.assumed;
      const profile: ProfileId = img.bitonal ? 'bitonal' : img.channels === 1 ? 'gray' : 'color-hq';
      await writer.addPage(await encodePage({ ...img, dpi: d.dpi }, profile));
    }
    if (assumed) warnings.push('image resolution missing or implausible: page fitted to A4');
    const written = await writer.close();
    return written.pages;
  } catch (err) {
    writer.abort();
    throw err;
  }
}

/**
 * Imports a citizen's file as a document of a dossier component: the type comes from the bytes; a PDF is
 * checked (password, JavaScript, embedded files, page count, damage) and rewritten as PDF/A-1b by
 * Ghostscript; an image becomes PDF/A-1b pages. The original bytes are kept as well. Every failure is a
 * coded StationError and leaves the dossier as it was (nothing is recorded before the end).
 */
export async function importFile(station: Station, req: ImportRequest, limits: ImportLimits = IMPORT_LIMITS): Promise<ImportedDocument> {
  const target = componentForImport(station.store, req.componentId);
  if (!target) throw new StationError('NOT_FOUND', `no component ${req.componentId}`, { componentId: req.componentId });
  if (target.dossierState === 'queued' || target.dossierState === 'synced') {
    throw new StationError('CONFLICT', `dossier ${target.dossierId} is ${target.dossierState}: it can no longer change`, { dossierId: target.dossierId });
  }
  assertNotAbandoned(station.store, req.componentId);
  const { name: fileName, changed: fileNameChanged } = sanitiseFileName(req.fileName ?? basename(req.path.replace(/\\/g, '/')));

  let size: number;
  try {
    // The station's own files (database, blobs of other dossiers, bridge token) are never "a citizen's file".
    const real = realpathSync(req.path);
    const root = realpathSync(station.layout.root);
    if (real === root || real.startsWith(root + sep)) {
      throw new StationError('FORBIDDEN', 'files inside the station data directory cannot be imported', { path: req.path });
    }
    const st = statSync(real);
    if (st.isDirectory()) throw new StationError('INVALID_REQUEST', `${req.path} is a directory`, { path: req.path });
    if (!st.isFile()) throw new StationError('INVALID_REQUEST', `${req.path} is not a regular file`, { path: req.path });
    size = st.size;
  } catch (err) {
    throw openError(err, req.path);
  }
  if (size === 0) throw new StationError('FILE_EMPTY', 'the file is empty (0 bytes)', { fileName });
  if (size > limits.maxFileBytes) throw new StationError('FILE_TOO_LARGE', `the file has ${size} bytes; at most ${limits.maxFileBytes}`, { size, maxBytes: limits.maxFileBytes });

  const work = join(station.layout.tmp, `import-${randomBytes(8).toString('hex')}`);
  mkdirSync(work, { recursive: true, mode: 0o700 });
  try {
    const original = join(work, 'original');
    let copied: number;
    try {
      copied = await copyBounded(req.path, original, limits.maxFileBytes);
    } catch (err) {
      throw openError(err, req.path);
    }
    if (copied === 0) throw new StationError('FILE_EMPTY', 'the file is empty (0 bytes)', { fileName });
    const head = Buffer.alloc(1024);
    const fd = openSync(original, 'r');
    const got = readSync(fd, head, 0, 1024, 0);
    closeSync(fd);
    const kind = importKindOf(sniffFileType(head.subarray(0, got)));
    if (!kind) throw new StationError('IMAGE_UNSUPPORTED', 'not a PDF, JPEG, PNG or TIFF file', { fileName });
    if (kind !== 'pdf' && copied > limits.maxImageFileBytes) {
      throw new StationError('FILE_TOO_LARGE', `the image file has ${copied} bytes; at most ${limits.maxImageFileBytes}`, { size: copied, maxBytes: limits.maxImageFileBytes });
    }

    const normalised = join(work, 'normalised.pdf');
    const warnings: string[] = [];
    let pageCount: number;
    if (kind === 'pdf') {
      const clean = join(work, 'clean.pdf');
      const checked = await checkPdf(original, clean, { maxPages: limits.maxPdfPages });
      warnings.push(...checked.warnings);
      await normaliseWithGhostscript(clean, normalised, { workDir: work, timeoutMs: 60_000 + checked.pageCount * 2_000 });
      await checkNormalised(normalised, checked.pageCount);
      pageCount = checked.pageCount;
    } else {
      pageCount = await imagesToPdfA(original, normalised, fileName, limits, warnings);
    }

    const orig = await station.blobs.putFile(original, { move: true });
    const norm = await station.blobs.putFile(normalised, { move: true });
    const id = ulid();
    const at = new Date().toISOString();
    insertImportedDocument(station.store, {
      id,
      componentId: req.componentId,
      sha256: norm.sha256,
      size: norm.size,
      originalSha256: orig.sha256,
      originalSize: orig.size,
      originalMediaType: FILE_MEDIA_TYPES[kind],
      fileName,
      pageCount,
      at,
    });
    appendAudit(station.store, {
      actor: req.actor ?? null,
      action: 'document.import',
      subjectType: 'document',
      subjectId: id,
      details: { componentId: req.componentId, kind, fileName, originalSha256: orig.sha256, sha256: norm.sha256, pageCount, warnings },
    });
    log.info('file imported', { documentId: id, componentId: req.componentId, kind, pageCount, bytes: norm.size, originalBytes: orig.size, warnings });
    return {
      documentId: id,
      componentId: req.componentId,
      dossierId: target.dossierId,
      sha256: norm.sha256,
      size: norm.size,
      originalSha256: orig.sha256,
      originalSize: orig.size,
      kind,
      fileName,
      fileNameChanged,
      pdfaLevel: '1b',
      pageCount,
      warnings,
      createdAt: at,
    };
  } catch (err) {
    if (err instanceof StationError) log.warn('import refused', { componentId: req.componentId, code: err.code, message: err.message });
    throw err;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
