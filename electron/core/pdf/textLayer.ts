import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';
import type { OcrWord } from './ocr';

/**
 * The invisible text layer that makes a scanned page searchable (as ocrmypdf and tesseract do
 * it): every word is drawn in text render mode 3 (neither filled nor stroked) with a "glyph-less" font
 * whose one glyph is empty, scaled to the word's box so selection and search land on the printed word.
 * Codes are UTF-16 code units (Identity-H), every code maps to that glyph, and ToUnicode maps each code to
 * itself, so copy/paste and pdftotext give the exact Vietnamese text (NFC, tone marks included).
 * The font program is tesseract's GlyphLessFont (Apache-2.0, resources/fonts/README.md): 572 bytes.
 */
export const GLYPHLESS_FONT_PATH = fileURLToPath(new URL('../../../resources/fonts/GlyphLessFont.ttf', import.meta.url));

/** Advance of the one glyph in PDF text space units (1024 of 2048 font units). */
const GLYPH_WIDTH = 500;

export interface FontObjects {
  /** Object bodies in the order to write them, each either a dictionary or a stream. */
  type0: (refs: FontRefs) => string;
  cidFont: (refs: FontRefs) => string;
  descriptor: (refs: FontRefs) => string;
  fontFile: { dict: string; data: Buffer };
  cidToGid: { dict: string; data: Buffer };
}

export interface FontRefs {
  type0: number;
  cidFont: number;
  descriptor: number;
  fontFile: number;
  cidToGid: number;
  toUnicode: number;
}

/**
 * ToUnicode: each code maps to the same UTF-16 value. Only the 256-code blocks the file uses are listed
 * (Vietnamese text touches 00, 01, 02, 03, 1E and 20), so the CMap stays a few hundred bytes.
 */
export function toUnicodeCMap(highBytes: Iterable<number>): Buffer {
  const ranges = [...new Set(highBytes)]
    .filter((hi) => hi < 0xd8 || hi > 0xdf)
    .sort((a, b) => a - b)
    .map((hi) => {
      const h = hi.toString(16).padStart(2, '0').toUpperCase();
      return `<${h}00> <${h}FF> <${h}00>`;
    });
  const chunks: string[] = [];
  for (let i = 0; i < ranges.length; i += 100) {
    const part = ranges.slice(i, i + 100);
    chunks.push(`${part.length} beginbfrange\n${part.join('\n')}\nendbfrange`);
  }
  const text = [
    '/CIDInit /ProcSet findresource begin',
    '12 dict begin',
    'begincmap',
    '/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def',
    '/CMapName /Adobe-Identity-UCS def',
    '/CMapType 2 def',
    '1 begincodespacerange',
    '<0000> <FFFF>',
    'endcodespacerange',
    ...chunks,
    'endcmap',
    'CMapName currentdict /CMap defineresource pop',
    'end',
    'end',
  ].join('\n');
  return deflateSync(Buffer.from(text, 'latin1'));
}

let cached: FontObjects | null = null;

export function glyphlessFont(): FontObjects {
  if (cached) return cached;
  const ttf = readFileSync(GLYPHLESS_FONT_PATH);
  const map = Buffer.alloc(65536 * 2);
  for (let i = 0; i < 65536; i++) map.writeUInt16BE(1, i * 2);
  cached = {
    type0: (r) => `<< /Type /Font /Subtype /Type0 /BaseFont /GlyphLessFont /Encoding /Identity-H /DescendantFonts [${r.cidFont} 0 R] /ToUnicode ${r.toUnicode} 0 R >>`,
    cidFont: (r) =>
      `<< /Type /Font /Subtype /CIDFontType2 /BaseFont /GlyphLessFont /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /FontDescriptor ${r.descriptor} 0 R /DW ${GLYPH_WIDTH} /CIDToGIDMap ${r.cidToGid} 0 R >>`,
    descriptor: (r) =>
      `<< /Type /FontDescriptor /FontName /GlyphLessFont /Flags 5 /FontBBox [0 0 ${GLYPH_WIDTH} 1000] /ItalicAngle 0 /Ascent 1000 /Descent 0 /CapHeight 1000 /StemV 80 /FontFile2 ${r.fontFile} 0 R >>`,
    fontFile: { dict: `/Length1 ${ttf.length} /Filter /FlateDecode`, data: deflateSync(ttf) },
    cidToGid: { dict: '/Filter /FlateDecode', data: deflateSync(map) },
  };
  return cached;
}

const n = (x: number, digits = 3): string => {
  const fixed = x.toFixed(digits);
  const s = digits > 0 ? fixed.replace(/\.?0+$/, '') : fixed;
  return s === '-0' ? '0' : s;
};

/** The UTF-16 code units of `text` as a PDF literal string (two bytes per character), noting each code's high byte. */
function utf16Literal(text: string, used: Set<number>): { lit: string; chars: number } {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const u = text.charCodeAt(i);
    if (u >= 0xd800 && u <= 0xdfff) continue; // astral characters (not Vietnamese) are left out
    used.add(u >> 8);
    bytes.push(u >> 8, u & 0xff);
  }
  let lit = '(';
  for (const b of bytes) {
    if (b === 0x28 || b === 0x29 || b === 0x5c) lit += `\\${String.fromCharCode(b)}`;
    else if (b === 0x0d) lit += '\\r';
    else lit += String.fromCharCode(b);
  }
  return { lit: `${lit})`, chars: bytes.length / 2 };
}

/**
 * Content operators drawing `words` invisibly over a page of `heightPt` points, the words measured in
 * pixels at `dpi`. A space follows each word but the last of its line, so extracted text keeps its words
 * apart; each word is stretched (Tz) to its printed width. Returned as latin1 text (the string bytes are
 * binary); `used` collects the high bytes of the codes for the ToUnicode map.
 */
export function textLayerOps(words: OcrWord[], dpi: number, heightPt: number, used: Set<number>, fontName = 'F0'): string {
  if (words.length === 0) return '';
  const k = 72 / dpi;
  const out: string[] = ['BT', '3 Tr'];
  let size = -1;
  let scaleText = '';
  // Positions move relatively (Td from the previous word's origin): short numbers, mostly "dx 0" within a line.
  let px = 0;
  let py = 0;
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    const lastOfLine = words[i + 1]?.line !== w.line;
    const { lit, chars } = utf16Literal(lastOfLine ? w.text : `${w.text} `, used);
    if (chars === 0) continue;
    const sz = Math.max(1, Math.round(w.height * k * 10) / 10);
    if (sz !== size) {
      out.push(`/${fontName} ${n(sz, 1)} Tf`);
      size = sz;
    }
    const widthPt = w.width * k + (lastOfLine ? 0 : sz * 0.25);
    const scale = (100 * widthPt) / (chars * (GLYPH_WIDTH / 1000) * sz);
    const x = Math.round(w.left * k);
    const y = Math.round((heightPt - (w.top + w.height) * k) * 10) / 10;
    const tz = n(scale, 0);
    out.push(`${tz === scaleText ? '' : `${tz} Tz `}${n(x - px, 1)} ${n(y - py, 1)} Td ${lit} Tj`);
    scaleText = tz;
    px = x;
    py = y;
  }
  out.push('ET');
  return `${out.join('\n')}\n`;
}
