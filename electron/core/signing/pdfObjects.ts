/**
 * A small PDF object model, parser and serialiser — just enough to read a document's trailer, xref and the
 * few objects a signature touches (catalog, AcroForm, first page), and to write incremental updates.
 * The whole document is never parsed: see pdfFile.ts.
 */
import { StationError } from '../../common/errors';

export class PdfName {
  constructor(readonly name: string) {}
}
export class PdfString {
  constructor(
    readonly bytes: Buffer,
    readonly hex = false,
  ) {}
  static text(s: string): PdfString {
    // PDFDocEncoding for ASCII, UTF-16BE with BOM otherwise.
     
    if (/^[\x20-\x7e]*$/.test(s)) return new PdfString(Buffer.from(s, 'latin1'));
    const u = Buffer.from(s, 'utf16le');
    u.swap16();
    return new PdfString(Buffer.concat([Buffer.from([0xfe, 0xff]), u]), true);
  }
  toText(): string {
    const b = this.bytes;
    if (b.length >= 2 && b[0] === 0xfe && b[1] === 0xff) {
      const c = Buffer.from(b.subarray(2));
      c.swap16();
      return c.toString('utf16le');
    }
    return b.toString('latin1');
  }
}
export class PdfRef {
  constructor(
    readonly num: number,
    readonly gen = 0,
  ) {}
  key(): string {
    return `${this.num} ${this.gen}`;
  }
}
export class PdfDict {
  readonly map: Map<string, PdfValue>;
  constructor(entries?: Iterable<[string, PdfValue]>) {
    this.map = new Map(entries ?? []);
  }
  get(key: string): PdfValue | undefined {
    return this.map.get(key);
  }
  set(key: string, v: PdfValue): this {
    this.map.set(key, v);
    return this;
  }
  has(key: string): boolean {
    return this.map.has(key);
  }
  delete(key: string): void {
    this.map.delete(key);
  }
  name(key: string): string | undefined {
    const v = this.map.get(key);
    return v instanceof PdfName ? v.name : undefined;
  }
  num(key: string): number | undefined {
    const v = this.map.get(key);
    return typeof v === 'number' ? v : undefined;
  }
  clone(): PdfDict {
    return new PdfDict(this.map);
  }
}
export class PdfStream {
  constructor(
    readonly dict: PdfDict,
    /** The stream's bytes as stored (still encoded). */
    readonly data: Buffer,
  ) {}
}
/** Bytes written verbatim (placeholders). */
export class PdfRaw {
  constructor(readonly text: string) {}
}

export type PdfValue = null | boolean | number | PdfName | PdfString | PdfRef | PdfDict | PdfStream | PdfRaw | PdfValue[];

export const n = (name: string): PdfName => new PdfName(name);
export const dict = (o: Record<string, PdfValue | undefined>): PdfDict =>
  new PdfDict(Object.entries(o).filter((e): e is [string, PdfValue] => e[1] !== undefined));

// ---------------------------------------------------------------- lexer / parser

const WS = new Set([0x00, 0x09, 0x0a, 0x0c, 0x0d, 0x20]);
const DELIM = new Set([0x28, 0x29, 0x3c, 0x3e, 0x5b, 0x5d, 0x7b, 0x7d, 0x2f, 0x25]);

/** Thrown when a parse ran off the end of the buffer: the caller may retry with a bigger window. */
export class NeedMoreBytes extends Error {}

export class Parser {
  pos: number;
  constructor(
    readonly buf: Buffer,
    pos = 0,
    /** True when `buf` ends where the file ends (EOF is then a real error). */
    readonly complete = false,
  ) {
    this.pos = pos;
  }

  private eof(): never {
    if (this.complete) throw new StationError('PDF_CORRUPT', 'unexpected end of PDF data');
    throw new NeedMoreBytes();
  }

  skipWs(): void {
    const b = this.buf;
    for (;;) {
      if (this.pos >= b.length) return;
      const c = b[this.pos]!;
      if (WS.has(c)) this.pos++;
      else if (c === 0x25) {
        while (this.pos < b.length && b[this.pos] !== 0x0a && b[this.pos] !== 0x0d) this.pos++;
      } else return;
    }
  }

  peekByte(): number {
    this.skipWs();
    if (this.pos >= this.buf.length) this.eof();
    return this.buf[this.pos]!;
  }

  /** A regular token (number, keyword, name without slash). */
  regular(): string {
    const b = this.buf;
    const start = this.pos;
    while (this.pos < b.length && !WS.has(b[this.pos]!) && !DELIM.has(b[this.pos]!)) this.pos++;
    if (this.pos >= b.length && !this.complete) this.eof();
    return b.toString('latin1', start, this.pos);
  }

  keyword(expected: string): void {
    this.skipWs();
    const k = this.regular();
    if (k !== expected) throw new StationError('PDF_CORRUPT', `expected ${expected}, found ${JSON.stringify(k.slice(0, 20))}`);
  }

  value(): PdfValue {
    const c = this.peekByte();
    const b = this.buf;
    if (c === 0x2f) {
      this.pos++;
      const raw = this.regular();
      return new PdfName(raw.replace(/#([0-9a-fA-F]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16))));
    }
    if (c === 0x3c) {
      if (b[this.pos + 1] === 0x3c) {
        this.pos += 2;
        const d = new PdfDict();
        for (;;) {
          const k = this.peekByte();
          if (k === 0x3e) {
            if (b[this.pos + 1] !== 0x3e) throw new StationError('PDF_CORRUPT', 'bad dictionary end');
            this.pos += 2;
            break;
          }
          const key = this.value();
          if (!(key instanceof PdfName)) throw new StationError('PDF_CORRUPT', 'dictionary key is not a name');
          d.set(key.name, this.value());
        }
        return d;
      }
      this.pos++;
      const start = this.pos;
      while (this.pos < b.length && b[this.pos] !== 0x3e) this.pos++;
      if (this.pos >= b.length) this.eof();
      let hex = b.toString('latin1', start, this.pos).replace(/[^0-9a-fA-F]/g, '');
      this.pos++;
      if (hex.length % 2) hex += '0';
      return new PdfString(Buffer.from(hex, 'hex'), true);
    }
    if (c === 0x28) return this.literalString();
    if (c === 0x5b) {
      this.pos++;
      const arr: PdfValue[] = [];
      while (this.peekByte() !== 0x5d) arr.push(this.value());
      this.pos++;
      return arr;
    }
    const tok = this.regular();
    if (tok === '') throw new StationError('PDF_CORRUPT', `unexpected byte 0x${c.toString(16)} at ${this.pos}`);
    if (tok === 'true') return true;
    if (tok === 'false') return false;
    if (tok === 'null') return null;
    if (/^[+-]?(\d+\.?\d*|\.\d+)$/.test(tok)) {
      // An integer may start "N G R".
      if (/^\d+$/.test(tok)) {
        const save = this.pos;
        try {
          this.skipWs();
          const g = this.regular();
          if (/^\d+$/.test(g)) {
            this.skipWs();
            const r = this.regular();
            if (r === 'R') return new PdfRef(Number(tok), Number(g));
          }
        } catch (err) {
          // "N" at the very end of a window: the caller retries with more bytes.
          if (err instanceof NeedMoreBytes) throw err;
        }
        this.pos = save;
      }
      return Number(tok);
    }
    throw new StationError('PDF_CORRUPT', `unexpected token ${JSON.stringify(tok.slice(0, 20))}`);
  }

  private literalString(): PdfString {
    const b = this.buf;
    this.pos++;
    const out: number[] = [];
    let depth = 1;
    for (;;) {
      if (this.pos >= b.length) this.eof();
      const c = b[this.pos++]!;
      if (c === 0x5c) {
        if (this.pos >= b.length) this.eof();
        const e = b[this.pos++]!;
        const map: Record<number, number> = { 0x6e: 10, 0x72: 13, 0x74: 9, 0x62: 8, 0x66: 12, 0x28: 0x28, 0x29: 0x29, 0x5c: 0x5c };
        if (map[e] !== undefined) out.push(map[e]);
        else if (e >= 0x30 && e <= 0x37) {
          let v = e - 0x30;
          for (let i = 0; i < 2 && b[this.pos]! >= 0x30 && b[this.pos]! <= 0x37; i++) v = v * 8 + (b[this.pos++]! - 0x30);
          out.push(v & 0xff);
        } else if (e === 0x0d) {
          if (b[this.pos] === 0x0a) this.pos++;
        } else if (e !== 0x0a) out.push(e);
        continue;
      }
      if (c === 0x28) depth++;
      if (c === 0x29 && --depth === 0) break;
      out.push(c);
    }
    return new PdfString(Buffer.from(out), false);
  }
}

// ---------------------------------------------------------------- serialiser

function fmtNum(x: number): string {
  if (Number.isInteger(x)) return String(x);
  return x.toFixed(5).replace(/0+$/, '').replace(/\.$/, '');
}

function nameEsc(s: string): string {
  return s.replace(/[^!-~]|[#()<>[\]{}/%]/g, (ch) => `#${ch.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

export function serialize(v: PdfValue): string {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') return fmtNum(v);
  if (v instanceof PdfName) return `/${nameEsc(v.name)}`;
  if (v instanceof PdfRef) return `${v.num} ${v.gen} R`;
  if (v instanceof PdfRaw) return v.text;
  if (v instanceof PdfString) {
    if (v.hex) return `<${v.bytes.toString('hex')}>`;
    let s = '(';
    for (const c of v.bytes) {
      if (c === 0x28 || c === 0x29 || c === 0x5c) s += `\\${String.fromCharCode(c)}`;
      else if (c < 0x20 || c > 0x7e) s += `\\${c.toString(8).padStart(3, '0')}`;
      else s += String.fromCharCode(c);
    }
    return `${s})`;
  }
  if (Array.isArray(v)) return `[${v.map(serialize).join(' ')}]`;
  if (v instanceof PdfDict) {
    let s = '<<';
    for (const [k, val] of v.map) s += `/${nameEsc(k)} ${serialize(val)}`;
    return `${s}>>`;
  }
  throw new StationError('INTERNAL', 'a stream cannot be serialised inline');
}

/** `N G obj … endobj` bytes for an indirect object (streams get their /Length). */
export function serializeObject(ref: PdfRef, v: PdfValue): Buffer {
  const head = `${ref.num} ${ref.gen} obj\n`;
  if (v instanceof PdfStream) {
    const d = v.dict.clone().set('Length', v.data.length);
    return Buffer.concat([Buffer.from(`${head}${serialize(d)}\nstream\n`, 'latin1'), v.data, Buffer.from('\nendstream\nendobj\n', 'latin1')]);
  }
  return Buffer.from(`${head}${serialize(v)}\nendobj\n`, 'latin1');
}
