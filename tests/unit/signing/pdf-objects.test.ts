import { describe, expect, it } from 'vitest';
import { NeedMoreBytes, Parser, PdfDict, PdfName, PdfRef, PdfStream, PdfString, serialize, serializeObject } from '../../../electron/core/signing/pdfObjects';

const parse = (s: string, complete = true) => new Parser(Buffer.from(s, 'latin1'), 0, complete).value();

describe('PDF object parser and serialiser', () => {
  it('reads dictionaries, arrays, refs, names with #xx escapes, numbers and booleans', () => {
    const v = parse('<< /Type /Catalog /Pages 2 0 R /Kids [3 0 R 4 1 R] /N#20ame /A#2FB /Num -1.5 /Int 42 /T true /F false /Nul null >>') as PdfDict;
    expect(v.name('Type')).toBe('Catalog');
    expect((v.get('Pages') as PdfRef).key()).toBe('2 0');
    expect((v.get('Kids') as PdfRef[]).map((r) => r.key())).toEqual(['3 0', '4 1']);
    expect(v.name('N ame')).toBe('A/B');
    expect([v.get('Num'), v.get('Int'), v.get('T'), v.get('F'), v.get('Nul')]).toEqual([-1.5, 42, true, false, null]);
  });

  it('keeps two integers that are not a reference as numbers', () => {
    expect(parse('[0 0 595 842]')).toEqual([0, 0, 595, 842]);
  });

  it('decodes literal strings (escapes, octal, nested parentheses) and hex strings', () => {
    expect((parse('(a\\(b\\) \\101\\n (nested) end)') as PdfString).bytes.toString('latin1')).toBe('a(b) A\n (nested) end');
    expect((parse('<48 65 6C 6C 6F>') as PdfString).bytes.toString('latin1')).toBe('Hello');
    expect((parse('<486>') as PdfString).bytes).toEqual(Buffer.from([0x48, 0x60]));
  });

  it('asks for more bytes when the window ends mid-object, and fails hard at the true end of file', () => {
    expect(() => parse('<< /A (unfinished', false)).toThrow(NeedMoreBytes);
    expect(() => parse('<< /A (unfinished', true)).toThrow(/unexpected end/);
  });

  it('round-trips Vietnamese text as UTF-16BE and ASCII as a literal', () => {
    const vi = PdfString.text('Người sao: Nguyễn Văn A');
    expect(vi.bytes.subarray(0, 2)).toEqual(Buffer.from([0xfe, 0xff]));
    expect((parse(serialize(vi)) as PdfString).toText()).toBe('Người sao: Nguyễn Văn A');
    expect(serialize(PdfString.text('Sig1'))).toBe('(Sig1)');
  });

  it('serialises a dictionary that parses back to the same values', () => {
    const d = new PdfDict([
      ['Type', new PdfName('Annot')],
      ['Rect', [10, 20.5, 30.25, 40]],
      ['P', new PdfRef(7)],
      ['T', PdfString.text('a(b)\\c')],
    ]);
    const back = parse(serialize(d)) as PdfDict;
    expect(serialize(back)).toBe(serialize(d));
    expect((back.get('T') as PdfString).toText()).toBe('a(b)\\c');
  });

  it('writes a stream object with its exact /Length', () => {
    const buf = serializeObject(new PdfRef(5), new PdfStream(new PdfDict([['Filter', new PdfName('FlateDecode')]]), Buffer.from([0, 1, 2, 0x0a, 3])));
    const text = buf.toString('latin1');
    expect(text.startsWith('5 0 obj\n')).toBe(true);
    expect(text).toContain('/Length 5');
    expect(text.endsWith('\nendstream\nendobj\n')).toBe(true);
  });
});
