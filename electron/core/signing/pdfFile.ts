/**
 * Random-access reading of a PDF file through a file descriptor: the trailer chain, the cross-reference
 * (tables, streams, hybrid) and single objects on demand. Pages' content and images are never read, so a
 * 1 000-page document costs a few hundred KB of memory, not its size.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { inflateSync } from 'node:zlib';
import { StationError } from '../../common/errors';
import { NeedMoreBytes, Parser, PdfDict, PdfName, PdfRef, PdfStream, type PdfValue } from './pdfObjects';

type XrefEntry = { kind: 'offset'; offset: number; gen: number } | { kind: 'objstm'; stream: number; index: number } | { kind: 'free' };

export class PdfFile {
  readonly size: number;
  private readonly fd: number;
  readonly xref = new Map<number, XrefEntry>();
  /** The newest trailer (for xref streams: the stream's dictionary). */
  trailer!: PdfDict;
  /** Offset of the newest cross-reference section. */
  startxref!: number;
  /** Whether the newest section is an xref stream (an update must then write one too). */
  xrefIsStream = false;
  private readonly cache = new Map<number, PdfValue>();
  private readonly objStmCache = new Map<number, { offsets: number[]; data: Buffer; first: number }>();

  private constructor(
    readonly path: string,
    limit?: number,
  ) {
    try {
      this.fd = openSync(path, 'r');
    } catch (err) {
      throw new StationError('NOT_FOUND', `cannot open ${path}: ${(err as Error).message}`, { path });
    }
    const real = fstatSync(this.fd).size;
    this.size = limit === undefined ? real : Math.min(limit, real);
  }

  /** Opens a file; with `limit`, the revision that ended at that byte (earlier incremental state). */
  static open(path: string, limit?: number): PdfFile {
    const f = new PdfFile(path, limit);
    try {
      f.readXref();
    } catch (err) {
      f.close();
      if (err instanceof StationError) throw err;
      throw new StationError('PDF_CORRUPT', `${path}: ${(err as Error).message}`, { path });
    }
    return f;
  }

  close(): void {
    try {
      closeSync(this.fd);
    } catch {
      /* already closed */
    }
  }

  read(pos: number, len: number): Buffer {
    const l = Math.max(0, Math.min(len, this.size - pos));
    const buf = Buffer.alloc(l);
    let got = 0;
    while (got < l) {
      const r = readSync(this.fd, buf, got, l - got, pos + got);
      if (r === 0) break;
      got += r;
    }
    return buf.subarray(0, got);
  }

  /** Parses with a growing window until the value fits. */
  private parseAt<T>(pos: number, fn: (p: Parser) => T, window = 4096): T {
    for (let w = window; ; w *= 4) {
      const buf = this.read(pos, w);
      const complete = pos + buf.length >= this.size;
      try {
        return fn(new Parser(buf, 0, complete));
      } catch (err) {
        if (err instanceof NeedMoreBytes && !complete) continue;
        throw err;
      }
    }
  }

  private readXref(): void {
    const tailLen = Math.min(this.size, 2048);
    const tail = this.read(this.size - tailLen, tailLen).toString('latin1');
    const m = [...tail.matchAll(/startxref\s+(\d+)/g)].at(-1);
    if (!m) throw new StationError('PDF_CORRUPT', `${this.path}: no startxref`);
    this.startxref = Number(m[1]);
    let pos: number | undefined = this.startxref;
    const seen = new Set<number>();
    let first = true;
    while (pos !== undefined && !seen.has(pos)) {
      seen.add(pos);
      const { trailer, isStream } = this.readSection(pos);
      if (first) {
        this.trailer = trailer;
        this.xrefIsStream = isStream;
        first = false;
      }
      const xstm = trailer.num('XRefStm');
      if (xstm !== undefined && !seen.has(xstm)) {
        seen.add(xstm);
        this.readSection(xstm);
      }
      pos = trailer.num('Prev');
    }
  }

  private addEntry(num: number, e: XrefEntry): void {
    if (!this.xref.has(num)) this.xref.set(num, e);
  }

  private readSection(pos: number): { trailer: PdfDict; isStream: boolean } {
    const head = this.read(pos, 4).toString('latin1');
    if (head === 'xref') {
      return this.parseAt(
        pos,
        (p) => {
          p.keyword('xref');
          const pending: [number, XrefEntry][] = [];
          for (;;) {
            p.skipWs();
            const tok = p.regular();
            if (tok === 'trailer') break;
            const start = Number(tok);
            p.skipWs();
            const count = Number(p.regular());
            if (!Number.isFinite(start) || !Number.isFinite(count)) throw new StationError('PDF_CORRUPT', 'bad xref subsection');
            for (let i = 0; i < count; i++) {
              p.skipWs();
              const off = Number(p.regular());
              p.skipWs();
              const gen = Number(p.regular());
              p.skipWs();
              const t = p.regular();
              pending.push([start + i, t === 'n' ? { kind: 'offset', offset: off, gen } : { kind: 'free' }]);
            }
          }
          const trailer = p.value();
          if (!(trailer instanceof PdfDict)) throw new StationError('PDF_CORRUPT', 'trailer is not a dictionary');
          for (const [num, e] of pending) this.addEntry(num, e);
          return { trailer, isStream: false };
        },
        65536,
      );
    }
    const obj = this.readObjectAt(pos);
    if (!(obj.value instanceof PdfStream) || obj.value.dict.name('Type') !== 'XRef') {
      throw new StationError('PDF_CORRUPT', `${this.path}: startxref points at neither xref nor XRef stream`);
    }
    const st = obj.value;
    const data = this.decode(st);
    const w = (st.dict.get('W') as number[]).map(Number);
    const size = st.dict.num('Size') ?? 0;
    const index = (st.dict.get('Index') as number[] | undefined) ?? [0, size];
    const rec = w[0]! + w[1]! + w[2]!;
    let off = 0;
    const field = (len: number, dflt: number): number => {
      if (len === 0) return dflt;
      let v = 0;
      for (let i = 0; i < len; i++) v = v * 256 + data[off++]!;
      return v;
    };
    for (let s = 0; s < index.length; s += 2) {
      const start = index[s]!;
      const count = index[s + 1]!;
      for (let i = 0; i < count && off + rec <= data.length; i++) {
        const type = field(w[0]!, 1);
        const a = field(w[1]!, 0);
        const b = field(w[2]!, 0);
        if (type === 1) this.addEntry(start + i, { kind: 'offset', offset: a, gen: b });
        else if (type === 2) this.addEntry(start + i, { kind: 'objstm', stream: a, index: b });
        else this.addEntry(start + i, { kind: 'free' });
      }
    }
    return { trailer: st.dict, isStream: true };
  }

  /** `N G obj <value> [stream…] endobj` at a byte offset. */
  readObjectAt(pos: number): { ref: PdfRef; value: PdfValue } {
    return this.parseAt(pos, (p) => {
      p.skipWs();
      const num = Number(p.regular());
      p.skipWs();
      const gen = Number(p.regular());
      p.keyword('obj');
      const value = p.value();
      p.skipWs();
      const save = p.pos;
      const kw = p.pos < p.buf.length ? p.regular() : '';
      if (kw === 'stream' && value instanceof PdfDict) {
        let s = p.pos;
        if (p.buf[s] === 0x0d) s++;
        if (p.buf[s] === 0x0a) s++;
        let len = value.get('Length');
        if (len instanceof PdfRef) len = this.resolve(len);
        if (typeof len !== 'number') throw new StationError('PDF_CORRUPT', `stream ${num} has no /Length`);
        const abs = pos + s;
        const data = s + len <= p.buf.length ? Buffer.from(p.buf.subarray(s, s + len)) : this.read(abs, len);
        return { ref: new PdfRef(num, gen), value: new PdfStream(value, data) };
      }
      p.pos = save;
      return { ref: new PdfRef(num, gen), value };
    });
  }

  decode(st: PdfStream): Buffer {
    const f = st.dict.get('Filter');
    const filters = Array.isArray(f) ? f : f === undefined ? [] : [f];
    let data = st.data;
    for (const fl of filters) {
      if (!(fl instanceof PdfName) || fl.name !== 'FlateDecode') throw new StationError('UNSUPPORTED', `stream filter ${String((fl as PdfName).name)} not supported here`);
      data = inflateSync(data);
    }
    const parms = st.dict.get('DecodeParms');
    const pd = Array.isArray(parms) ? parms[0] : parms;
    if (pd instanceof PdfDict && (pd.num('Predictor') ?? 1) >= 10) data = unpredictPng(data, pd.num('Columns') ?? 1);
    return data;
  }

  getObject(num: number): PdfValue {
    if (this.cache.has(num)) return this.cache.get(num)!;
    const e = this.xref.get(num);
    let v: PdfValue = null;
    if (e?.kind === 'offset') v = this.readObjectAt(e.offset).value;
    else if (e?.kind === 'objstm') v = this.fromObjStm(e.stream, e.index);
    this.cache.set(num, v);
    return v;
  }

  private fromObjStm(stmNum: number, index: number): PdfValue {
    let s = this.objStmCache.get(stmNum);
    if (!s) {
      const st = this.getObject(stmNum);
      if (!(st instanceof PdfStream)) throw new StationError('PDF_CORRUPT', `object stream ${stmNum} missing`);
      const data = this.decode(st);
      const count = st.dict.num('N') ?? 0;
      const first = st.dict.num('First') ?? 0;
      const p = new Parser(data, 0, true);
      const offsets: number[] = [];
      for (let i = 0; i < count; i++) {
        p.value();
        offsets.push(p.value() as number);
      }
      s = { offsets, data, first };
      this.objStmCache.set(stmNum, s);
    }
    const off = s.offsets[index];
    if (off === undefined) return null;
    return new Parser(s.data, s.first + off, true).value();
  }

  resolve(v: PdfValue | undefined): PdfValue | undefined {
    let cur = v;
    for (let i = 0; i < 32 && cur instanceof PdfRef; i++) cur = this.getObject(cur.num);
    return cur;
  }

  resolveDict(v: PdfValue | undefined): PdfDict | undefined {
    const r = this.resolve(v);
    if (r instanceof PdfDict) return r;
    if (r instanceof PdfStream) return r.dict;
    return undefined;
  }

  /** One more than the highest object number in use. */
  get nextObjectNumber(): number {
    let max = (this.trailer.num('Size') ?? 1) - 1;
    for (const k of this.xref.keys()) max = Math.max(max, k);
    return max + 1;
  }

  catalogRef(): PdfRef {
    const r = this.trailer.get('Root');
    if (!(r instanceof PdfRef)) throw new StationError('PDF_CORRUPT', `${this.path}: trailer has no /Root`);
    return r;
  }

  catalog(): PdfDict {
    const c = this.resolveDict(this.catalogRef());
    if (!c) throw new StationError('PDF_CORRUPT', `${this.path}: catalog missing`);
    return c;
  }

  /** The n-th page's reference (0-based), walking only the branch of the page tree that leads to it. */
  pageRef(index: number): PdfRef {
    let node = this.catalog().get('Pages');
    let remaining = index;
    for (let depth = 0; depth < 64; depth++) {
      const d = this.resolveDict(node);
      if (!d) break;
      if (d.name('Type') === 'Page' || !d.has('Kids')) {
        if (node instanceof PdfRef && remaining === 0) return node;
        break;
      }
      const kids = (this.resolve(d.get('Kids')) as PdfValue[] | undefined) ?? [];
      let next: PdfValue | undefined;
      for (const kid of kids) {
        const kd = this.resolveDict(kid);
        if (!kd) continue;
        const cnt = kd.name('Type') === 'Pages' ? (kd.num('Count') ?? 0) : 1;
        if (remaining < cnt) {
          next = kid;
          break;
        }
        remaining -= cnt;
      }
      if (next === undefined) break;
      node = next;
    }
    throw new StationError('PDF_CORRUPT', `${this.path}: page ${index + 1} not found`);
  }

  pageCount(): number {
    return this.resolveDict(this.catalog().get('Pages'))?.num('Count') ?? 0;
  }

  /** An inherited page attribute (MediaBox, CropBox, Rotate, Resources). */
  inherited(page: PdfDict, key: string): PdfValue | undefined {
    let d: PdfDict | undefined = page;
    for (let i = 0; d && i < 64; i++) {
      if (d.has(key)) return this.resolve(d.get(key));
      d = this.resolveDict(d.get('Parent'));
    }
    return undefined;
  }
}

function unpredictPng(data: Buffer, columns: number): Buffer {
  const rowLen = columns + 1;
  const rows = Math.floor(data.length / rowLen);
  const out = Buffer.alloc(rows * columns);
  for (let r = 0; r < rows; r++) {
    const type = data[r * rowLen]!;
    for (let c = 0; c < columns; c++) {
      const raw = data[r * rowLen + 1 + c]!;
      const up = r > 0 ? out[(r - 1) * columns + c]! : 0;
      const left = c > 0 ? out[r * columns + c - 1]! : 0;
      const ul = r > 0 && c > 0 ? out[(r - 1) * columns + c - 1]! : 0;
      let v = raw;
      if (type === 1) v = raw + left;
      else if (type === 2) v = raw + up;
      else if (type === 3) v = raw + ((left + up) >> 1);
      else if (type === 4) {
        const p = left + up - ul;
        const pa = Math.abs(p - left);
        const pb = Math.abs(p - up);
        const pc = Math.abs(p - ul);
        v = raw + (pa <= pb && pa <= pc ? left : pb <= pc ? up : ul);
      }
      out[r * columns + c] = v & 0xff;
    }
  }
  return out;
}
