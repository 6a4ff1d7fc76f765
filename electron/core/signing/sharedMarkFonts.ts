/**
 * Font subsets already embedded by earlier signature marks of the same document. A later mark draws every
 * character such a subset holds with it (the objects are in the signed revision and stay untouched) and embeds
 * only the glyphs still missing — so a second signature does not carry a second copy of the same letters.
 * Only our own marks' fonts qualify: simple TrueType fonts (one-byte codes, this version) or Type0/Identity-H
 * ones (two-byte codes, marks of earlier versions) over the same TrueType (same BaseFont after the subset tag),
 * with a ToUnicode map, and each glyph's width checked against what this mark would give it (the font file at
 * the mark's outline precision) before it is used.
 */
import type { PdfFile } from './pdfFile';
import { PdfDict, PdfName, PdfRef, PdfStream, type PdfValue } from './pdfObjects';

export interface SharedGlyph {
  /** The character code drawing it (a CID for a Type0 font). */
  code: number;
  /** Advance in 1/1000 em, as the font's /Widths or /W says. */
  width: number;
}

export interface SharedMarkFont {
  ref: PdfRef;
  /** Bytes per character code: 1 for a simple font, 2 for Identity-H. */
  codeBytes: 1 | 2;
  glyphs: Map<number, SharedGlyph>;
}

/** Code → code point pairs of a ToUnicode CMap: bfchar `<code> <utf16be>`, bfrange `<lo> <hi> <utf16be>` and `<lo> <hi> [<utf16be> …]`. */
export function parseToUnicode(cmap: string): Map<number, number> {
  const out = new Map<number, number>();
  const cp = (hex: string): number | undefined => {
    const u = Buffer.from(hex, 'hex');
    u.swap16();
    const s = u.toString('utf16le');
    return [...s].length === 1 ? s.codePointAt(0) : undefined;
  };
  for (const sec of cmap.matchAll(/beginbfchar([\s\S]*?)endbfchar/g)) {
    for (const m of sec[1]!.matchAll(/<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]{4,8})>/g)) {
      const c = cp(m[2]!);
      if (c !== undefined) out.set(c, parseInt(m[1]!, 16));
    }
  }
  for (const sec of cmap.matchAll(/beginbfrange([\s\S]*?)endbfrange/g)) {
    // `<lo> <hi> <first>` (consecutive code points) or `<lo> <hi> [<d1> <d2> …]` (one destination per code).
    for (const m of sec[1]!.matchAll(/<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*(?:<([0-9A-Fa-f]{4})>|\[([^\]]*)\])/g)) {
      const lo = parseInt(m[1]!, 16);
      const hi = parseInt(m[2]!, 16);
      if (m[3] !== undefined) {
        const first = parseInt(m[3], 16);
        for (let c = lo; c <= hi && c - lo < 256; c++) out.set(first + (c - lo), c);
        continue;
      }
      [...m[4]!.matchAll(/<([0-9A-Fa-f]{4,8})>/g)].forEach((d, k) => {
        const c = cp(d[1]!);
        if (c !== undefined && lo + k <= hi) out.set(c, lo + k);
      });
    }
  }
  return out;
}

/** A CIDFont /W array: `c [w1 w2 …]` and `cFirst cLast w`. */
export function parseWidths(w: PdfValue[]): Map<number, number> {
  const out = new Map<number, number>();
  for (let i = 0; i < w.length; ) {
    const a = w[i];
    const b = w[i + 1];
    if (typeof a !== 'number') break;
    if (Array.isArray(b)) {
      b.forEach((x, k) => typeof x === 'number' && out.set(a + k, x));
      i += 2;
    } else if (typeof b === 'number' && typeof w[i + 2] === 'number') {
      for (let c = a; c <= b; c++) out.set(c, w[i + 2] as number);
      i += 3;
    } else break;
  }
  return out;
}

/** Widths per code of one of our marks' fonts: a simple TrueType font (/FirstChar, /Widths) or Type0/Identity-H (/W). */
function fontWidths(file: PdfFile, font: PdfDict): { codeBytes: 1 | 2; widths: Map<number, number> } | null {
  if (font.name('Subtype') === 'TrueType') {
    const first = file.resolve(font.get('FirstChar'));
    const arr = file.resolve(font.get('Widths'));
    if (typeof first !== 'number' || !Array.isArray(arr) || font.has('Encoding')) return null;
    const widths = new Map<number, number>();
    arr.forEach((x, i) => {
      const w = file.resolve(x);
      if (typeof w === 'number') widths.set(first + i, w);
    });
    return { codeBytes: 1, widths };
  }
  if (font.name('Subtype') !== 'Type0' || font.name('Encoding') !== 'Identity-H') return null;
  const descendants = file.resolve(font.get('DescendantFonts'));
  const cidFont = Array.isArray(descendants) ? file.resolveDict(descendants[0]) : undefined;
  const wArr = file.resolve(cidFont?.get('W'));
  if (!(cidFont instanceof PdfDict) || !Array.isArray(wArr)) return null;
  return { codeBytes: 2, widths: parseWidths(wArr.map((x) => file.resolve(x) ?? null)) };
}

function fontsOfAppearance(file: PdfFile, field: PdfValue): PdfValue[] {
  const widget = file.resolveDict(field);
  const ap = file.resolveDict(widget?.get('AP'));
  const normal = file.resolve(ap?.get('N'));
  if (!(normal instanceof PdfStream)) return [];
  const res = file.resolveDict(normal.dict.get('Resources'));
  const fonts = file.resolveDict(res?.get('Font'));
  return fonts ? [...fonts.map.values()] : [];
}

/**
 * Subsets of `baseFont` (the PostScript name without subset tag) used by the appearances of `fields`.
 * `widthOf` gives the font file's width for a code point: glyphs whose width disagrees are not reused.
 * Unreadable or foreign fonts are skipped — sharing is an optimisation, never a reason to fail a signature.
 */
export function sharedMarkFonts(file: PdfFile, fields: PdfValue[], baseFont: string, widthOf: (codePoint: number) => number | undefined): SharedMarkFont[] {
  const found: SharedMarkFont[] = [];
  const seen = new Set<number>();
  for (const field of fields) {
    let fonts: PdfValue[];
    try {
      fonts = fontsOfAppearance(file, field);
    } catch {
      continue;
    }
    for (const f of fonts) {
      if (!(f instanceof PdfRef) || seen.has(f.num)) continue;
      seen.add(f.num);
      try {
        const font = file.resolveDict(f);
        const name = font?.get('BaseFont');
        if (!font || !(name instanceof PdfName) || name.name.replace(/^[A-Z]{6}\+/, '') !== baseFont) continue;
        const toUni = file.resolve(font.get('ToUnicode'));
        if (!(toUni instanceof PdfStream)) continue;
        const read = fontWidths(file, font);
        if (!read) continue;
        const glyphs = new Map<number, SharedGlyph>();
        for (const [cp, code] of parseToUnicode(file.decode(toUni).toString('latin1'))) {
          const w = read.widths.get(code);
          if (w !== undefined && w === widthOf(cp)) glyphs.set(cp, { code, width: w });
        }
        if (glyphs.size) found.push({ ref: f, codeBytes: read.codeBytes, glyphs });
      } catch {
        continue;
      }
    }
  }
  return found;
}
