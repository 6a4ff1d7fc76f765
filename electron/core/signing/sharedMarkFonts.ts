/**
 * Font subsets already embedded by earlier signature marks of the same document. A later mark draws every
 * character such a subset holds with it (the objects are in the signed revision and stay untouched) and embeds
 * only the glyphs still missing — so a second signature does not carry a second copy of the same letters.
 * Only our own marks' fonts qualify: Type0/Identity-H over the same TrueType (same BaseFont after the subset
 * tag), with a ToUnicode map, and each glyph's width checked against the font file before it is used.
 */
import type { PdfFile } from './pdfFile';
import { PdfDict, PdfName, PdfRef, PdfStream, type PdfValue } from './pdfObjects';

export interface SharedGlyph {
  cid: number;
  /** Advance in 1/1000 em, as the font's /W says. */
  width: number;
}

export interface SharedMarkFont {
  ref: PdfRef;
  glyphs: Map<number, SharedGlyph>;
}

/** `<cid> <utf16be>` pairs of bfchar sections and `<lo> <hi> <utf16be>` of bfrange sections. */
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
    for (const m of sec[1]!.matchAll(/<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]{4})>/g)) {
      const lo = parseInt(m[1]!, 16);
      const hi = parseInt(m[2]!, 16);
      const first = parseInt(m[3]!, 16);
      for (let c = lo; c <= hi && c - lo < 256; c++) out.set(first + (c - lo), c);
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
        if (!font || font.name('Subtype') !== 'Type0' || font.name('Encoding') !== 'Identity-H') continue;
        if (!(name instanceof PdfName) || name.name.replace(/^[A-Z]{6}\+/, '') !== baseFont) continue;
        const descendants = file.resolve(font.get('DescendantFonts'));
        const cidFont = Array.isArray(descendants) ? file.resolveDict(descendants[0]) : undefined;
        const wArr = file.resolve(cidFont?.get('W'));
        const toUni = file.resolve(font.get('ToUnicode'));
        if (!(cidFont instanceof PdfDict) || !Array.isArray(wArr) || !(toUni instanceof PdfStream)) continue;
        const widths = parseWidths(wArr.map((x) => file.resolve(x) ?? null));
        const glyphs = new Map<number, SharedGlyph>();
        for (const [cp, cid] of parseToUnicode(file.decode(toUni).toString('latin1'))) {
          const w = widths.get(cid);
          if (w !== undefined && w === widthOf(cp)) glyphs.set(cp, { cid, width: w });
        }
        if (glyphs.size) found.push({ ref: f, glyphs });
      } catch {
        continue;
      }
    }
  }
  return found;
}
