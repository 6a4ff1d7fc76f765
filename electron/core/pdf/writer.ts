import { createHash, randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';
import { StationError } from '../../common/errors';
import { fsError } from '../station/dataDir';
import type { EncodedImage, EncodedPage } from './encode';
import { infoDict, resolveMeta, xmpPacket, type PdfMeta } from './metadata';
import { glyphlessFont, textLayerOps, toUnicodeCMap, type FontRefs } from './textLayer';

/** sRGB ICC v2 (icc-profiles-free, zlib licence; see resources/icc/README.md): PDF/A-1 needs ICC v2, v4 fails. */
export const SRGB_ICC_PATH = fileURLToPath(new URL('../../../resources/icc/sRGB-v2.icc', import.meta.url));

let iccCache: Buffer | null = null;
function srgbIcc(): Buffer {
  iccCache ??= readFileSync(SRGB_ICC_PATH);
  return iccCache;
}

export type PdfALevel = '1b' | '2b';

export interface WriterOptions {
  /** '1b' (default, validated by PDFBox Preflight) or '2b' (checked structurally only). */
  level?: PdfALevel;
}

export interface WrittenPdf {
  path: string;
  pages: number;
  bytes: number;
  sha256: string;
  /** The trailer /ID (hex), both halves equal for a new file. */
  id: string;
  level: PdfALevel;
}

const num = (x: number): string => {
  const s = x.toFixed(4).replace(/\.?0+$/, '');
  return s === '-0' ? '0' : s;
};

const CATALOG = 1;
const PAGES = 2;
const INFO = 3;

/**
 * Streaming PDF/A writer. Objects go to the file as pages arrive; only their offsets (and the page
 * object numbers) stay in memory, so memory is flat whatever the page count. At `close()` the page tree,
 * a classic xref table and the trailer (with /ID) are appended — no object streams, no xref streams, so
 * a signer can append incremental updates. Writes to `<path>.part` and renames at close: a crash never
 * leaves a half PDF under the final name.
 *
 * Fixed objects: 1 catalog, 2 page tree, 3 Info, 4 XMP metadata (uncompressed), 5 output intent, 6 ICC.
 */
export class PdfAWriter {
  private fd: number | null;
  private offset = 0;
  private readonly offsets: number[] = [];
  private readonly pageRefs: number[] = [];
  private nextObj = 7;
  private fontRef: number | null = null;
  private toUnicodeRef: number | null = null;
  private readonly usedCodeBlocks = new Set<number>();
  private readonly hash = createHash('sha256');

  private constructor(
    readonly path: string,
    private readonly partPath: string,
    fd: number,
    readonly level: PdfALevel,
  ) {
    this.fd = fd;
  }

  static async open(path: string, meta: PdfMeta, opts: WriterOptions = {}): Promise<PdfAWriter> {
    const level = opts.level ?? '1b';
    const partPath = `${path}.part`;
    let fd: number;
    try {
      fd = openSync(partPath, 'w', 0o600);
    } catch (err) {
      throw fsError(err, `creating ${partPath}`);
    }
    const w = new PdfAWriter(path, partPath, fd, level);
    try {
      w.begin(meta);
    } catch (err) {
      w.abort();
      throw err;
    }
    return w;
  }

  get pageCount(): number {
    return this.pageRefs.length;
  }

  /** Bytes written so far. */
  get size(): number {
    return this.offset;
  }

  private write(data: string | Uint8Array): void {
    if (this.fd === null) throw new StationError('INTERNAL', 'PDF writer is closed');
    const buf = typeof data === 'string' ? Buffer.from(data, 'latin1') : data;
    try {
      let off = 0;
      while (off < buf.length) off += writeSync(this.fd, buf, off, buf.length - off);
    } catch (err) {
      throw fsError(err, `writing ${this.partPath}`);
    }
    this.hash.update(buf);
    this.offset += buf.length;
  }

  private alloc(): number {
    return this.nextObj++;
  }

  private object(n: number, body: string): void {
    this.offsets[n] = this.offset;
    this.write(`${n} 0 obj\n${body}\nendobj\n`);
  }

  private stream(n: number, dict: string, data: Uint8Array): void {
    this.offsets[n] = this.offset;
    this.write(`${n} 0 obj\n<< ${dict} /Length ${data.length} >>\nstream\n`);
    this.write(data);
    this.write('\nendstream\nendobj\n');
  }

  private begin(meta: PdfMeta): void {
    const m = resolveMeta(meta);
    // Header + a comment of four bytes > 127 (PDF/A-1 6.1.2: marks the file as binary).
    this.write(this.level === '1b' ? '%PDF-1.4\n' : '%PDF-1.7\n');
    this.write(Buffer.from([0x25, 0xe2, 0xe3, 0xcf, 0xd3, 0x0a]));
    this.object(CATALOG, `<< /Type /Catalog /Pages ${PAGES} 0 R /Metadata 4 0 R /OutputIntents [5 0 R] >>`);
    // Info holds UTF-16BE hex for non-ASCII text: Buffer 'latin1' keeps the ASCII bytes as they are.
    this.object(INFO, infoDict(m));
    const xmp = Buffer.from(xmpPacket(m, this.level === '1b' ? 1 : 2, 'B'), 'utf8');
    this.stream(4, '/Type /Metadata /Subtype /XML', xmp);
    this.object(
      5,
      '<< /Type /OutputIntent /S /GTS_PDFA1 /OutputConditionIdentifier (sRGB IEC61966-2.1) /RegistryName (http://www.color.org) /Info (sRGB IEC61966-2.1) /DestOutputProfile 6 0 R >>',
    );
    this.stream(6, '/N 3 /Filter /FlateDecode', deflateSync(srgbIcc()));
  }

  private image(img: EncodedImage, isMask: boolean): number {
    const n = this.alloc();
    const parts = ['/Type /XObject /Subtype /Image', `/Width ${img.width} /Height ${img.height}`];
    if (isMask) parts.push('/ImageMask true /BitsPerComponent 1');
    else parts.push(`/ColorSpace /${img.colorSpace ?? 'DeviceGray'} /BitsPerComponent ${img.bitsPerComponent}`);
    if (img.filter === 'DCTDecode') parts.push('/Filter /DCTDecode');
    else if (img.filter === 'JBIG2Decode') parts.push('/Filter /JBIG2Decode'); // embedded stream, no /JBIG2Globals
    else parts.push(`/Filter /CCITTFaxDecode /DecodeParms << /K -1 /Columns ${img.width} /Rows ${img.height} /BlackIs1 false >>`);
    this.stream(n, parts.join(' '), img.data);
    return n;
  }

  /** The OCR layer's font, written once per file the first time a page carries text; its object number. */
  private textFont(): number {
    if (this.fontRef !== null) return this.fontRef;
    const f = glyphlessFont();
    const refs: FontRefs = { type0: this.alloc(), cidFont: this.alloc(), descriptor: this.alloc(), fontFile: this.alloc(), cidToGid: this.alloc(), toUnicode: this.alloc() };
    this.object(refs.type0, f.type0(refs));
    this.object(refs.cidFont, f.cidFont(refs));
    this.object(refs.descriptor, f.descriptor(refs));
    this.stream(refs.fontFile, f.fontFile.dict, f.fontFile.data);
    this.stream(refs.cidToGid, f.cidToGid.dict, f.cidToGid.data);
    this.toUnicodeRef = refs.toUnicode; // written at close, once every page's characters are known
    this.fontRef = refs.type0;
    return refs.type0;
  }

  /** Appends one page: its media box is the pixel size at the page's dpi (100 % scale). */
  async addPage(page: EncodedPage): Promise<void> {
    if (!(page.dpi > 0) || page.widthPx < 1 || page.heightPx < 1) throw new StationError('INVALID_REQUEST', 'page without size or dpi');
    const w = (page.widthPx * 72) / page.dpi;
    const h = (page.heightPx * 72) / page.dpi;
    if (w < 3 || h < 3 || w > 14400 || h > 14400) {
      throw new StationError('INVALID_REQUEST', `page size ${num(w)}×${num(h)} pt is outside PDF limits (3–14 400)`, { widthPt: w, heightPt: h });
    }
    const bg = this.image(page.background, false);
    const xobjects = [`/Im0 ${bg} 0 R`];
    let content = `q\n${num(w)} 0 0 ${num(h)} 0 0 cm\n/Im0 Do\nQ\n`;
    if (page.mask) {
      const mk = this.image(page.mask.image, true);
      xobjects.push(`/Im1 ${mk} 0 R`);
      const [r, g, b] = page.mask.fill;
      content += `q\n${num(r)} ${num(g)} ${num(b)} rg\n${num(w)} 0 0 ${num(h)} 0 0 cm\n/Im1 Do\nQ\n`;
    }
    let fonts = '';
    if (page.text && page.text.words.length > 0) {
      content += textLayerOps(page.text.words, page.dpi, h, this.usedCodeBlocks);
      fonts = ` /Font << /F0 ${this.textFont()} 0 R >>`;
    }
    const contents = this.alloc();
    if (fonts === '') this.stream(contents, '', Buffer.from(content, 'latin1'));
    else this.stream(contents, '/Filter /FlateDecode', deflateSync(Buffer.from(content, 'latin1'))); // thousands of text operators
    const pageObj = this.alloc();
    this.object(
      pageObj,
      `<< /Type /Page /Parent ${PAGES} 0 R /MediaBox [0 0 ${num(w)} ${num(h)}] /Resources << /XObject << ${xobjects.join(' ')} >>${fonts} >> /Contents ${contents} 0 R >>`,
    );
    this.pageRefs.push(pageObj);
  }

  /** Finishes the file: page tree, xref, trailer with /ID; fsync; rename into place. */
  async close(): Promise<WrittenPdf> {
    if (this.pageRefs.length === 0) {
      this.abort();
      throw new StationError('INVALID_REQUEST', 'a PDF needs at least one page');
    }
    if (this.toUnicodeRef !== null) this.stream(this.toUnicodeRef, '/Filter /FlateDecode', toUnicodeCMap(this.usedCodeBlocks));
    this.object(PAGES, `<< /Type /Pages /Kids [${this.pageRefs.map((r) => `${r} 0 R`).join(' ')}] /Count ${this.pageRefs.length} >>`);
    const size = this.nextObj;
    for (let i = 1; i < size; i++) if (this.offsets[i] === undefined) throw new StationError('INTERNAL', `PDF object ${i} was never written`);
    const id = createHash('md5').update(this.hash.copy().digest()).update(randomBytes(16)).digest('hex');
    const xrefAt = this.offset;
    const rows = [`xref\n0 ${size}\n`, '0000000000 65535 f \n'];
    for (let i = 1; i < size; i++) rows.push(`${String(this.offsets[i]).padStart(10, '0')} 00000 n \n`);
    this.write(rows.join(''));
    this.write(`trailer\n<< /Size ${size} /Root ${CATALOG} 0 R /Info ${INFO} 0 R /ID [<${id}> <${id}>] >>\nstartxref\n${xrefAt}\n%%EOF\n`);
    const fd = this.fd!;
    try {
      fsyncSync(fd);
      closeSync(fd);
      this.fd = null;
      renameSync(this.partPath, this.path);
    } catch (err) {
      this.abort();
      throw fsError(err, `finishing ${this.path}`);
    }
    return { path: this.path, pages: this.pageRefs.length, bytes: this.offset, sha256: this.hash.digest('hex'), id, level: this.level };
  }

  /** Drops the partial file (on error or cancel). */
  abort(): void {
    if (this.fd !== null) {
      try {
        closeSync(this.fd);
      } catch {
        /* already gone */
      }
      this.fd = null;
    }
    rmSync(this.partPath, { force: true });
  }
}
