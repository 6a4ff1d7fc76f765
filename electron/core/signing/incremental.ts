/**
 * Incremental updates: new and changed objects appended after the existing bytes, with a cross-reference
 * section (a table, or a stream when the previous section was one) whose /Prev points at the old one.
 * The existing bytes are never rewritten, so earlier signatures stay valid.
 */
import { PdfDict, PdfName, PdfRef, PdfStream, serialize, serializeObject, type PdfValue } from './pdfObjects';
import type { PdfFile } from './pdfFile';

export class IncrementalUpdate {
  private readonly objects = new Map<number, { ref: PdfRef; value: PdfValue }>();
  private next: number;

  constructor(readonly file: PdfFile) {
    this.next = file.nextObjectNumber;
  }

  /** Reserves a new object number. */
  alloc(): PdfRef {
    return new PdfRef(this.next++, 0);
  }

  add(value: PdfValue): PdfRef {
    const ref = this.alloc();
    this.objects.set(ref.num, { ref, value });
    return ref;
  }

  set(ref: PdfRef, value: PdfValue): void {
    this.objects.set(ref.num, { ref, value });
  }

  /**
   * The bytes to append to the file. `base` is the file's current length. The result starts with a newline
   * when the file does not end in one. Building again gives the same object numbers (signing lays the section
   * out more than once to size its /ByteRange).
   */
  build(base: number, endsWithEol: boolean): Buffer {
    const parts: Buffer[] = [];
    let pos = base;
    const push = (b: Buffer): void => {
      parts.push(b);
      pos += b.length;
    };
    if (!endsWithEol) push(Buffer.from('\n', 'latin1'));
    const offsets = new Map<number, { off: number; gen: number }>();
    const sorted = [...this.objects.values()].sort((a, b) => a.ref.num - b.ref.num);
    for (const o of sorted) {
      offsets.set(o.ref.num, { off: pos, gen: o.ref.gen });
      push(serializeObject(o.ref, o.value));
    }
    const prev = this.file.startxref;
    const trailer = new PdfDict();
    const old = this.file.trailer;
    for (const key of ['Root', 'Info', 'ID']) {
      const v = old.get(key);
      if (v !== undefined) trailer.set(key, v);
    }
    trailer.set('Prev', prev);
    if (this.file.xrefIsStream) {
      // The cross-reference stream takes the next free number without reserving it: a second build reuses it.
      const xrefRef = new PdfRef(this.next, 0);
      offsets.set(xrefRef.num, { off: pos, gen: 0 });
      const nums = [...offsets.keys()].sort((a, b) => a - b);
      const index: number[] = [];
      const rows: Buffer[] = [];
      for (const run of runs(nums)) {
        index.push(run[0]!, run.length);
        for (const num of run) {
          const e = offsets.get(num)!;
          const row = Buffer.alloc(7);
          row[0] = 1;
          row.writeUInt32BE(e.off, 1);
          row.writeUInt16BE(e.gen, 5);
          rows.push(row);
        }
      }
      trailer.set('Type', new PdfName('XRef'));
      trailer.set('Size', this.next + 1);
      trailer.set('W', [1, 4, 2]);
      trailer.set('Index', index);
      const xrefStart = pos;
      push(serializeObject(xrefRef, new PdfStream(trailer, Buffer.concat(rows))));
      push(Buffer.from(`startxref\n${xrefStart}\n%%EOF\n`, 'latin1'));
    } else {
      trailer.set('Size', this.next);
      const xrefStart = pos;
      let s = 'xref\n';
      const nums = [...offsets.keys()].sort((a, b) => a - b);
      for (const run of runs(nums)) {
        s += `${run[0]} ${run.length}\n`;
        for (const num of run) {
          const e = offsets.get(num)!;
          s += `${String(e.off).padStart(10, '0')} ${String(e.gen).padStart(5, '0')} n\r\n`;
        }
      }
      s += `trailer\n${serialize(trailer)}\nstartxref\n${xrefStart}\n%%EOF\n`;
      push(Buffer.from(s, 'latin1'));
    }
    return Buffer.concat(parts);
  }
}

function runs(nums: number[]): number[][] {
  const out: number[][] = [];
  for (const x of nums) {
    const last = out.at(-1);
    if (last && last.at(-1)! + 1 === x) last.push(x);
    else out.push([x]);
  }
  return out;
}
