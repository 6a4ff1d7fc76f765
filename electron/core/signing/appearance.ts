/**
 * Visible signature marks (TT 01/2023 Art. 8, NĐ 30/2020): the clerk's mark at the top-left of page 1 (name,
 * time of copying) and the agency's "SAO Y" mark at the top-right (text only; optional red seal). Text is set
 * in Liberation Serif 2 (Times-metric, Vietnamese glyphs), 10 pt, black, embedded as a TrueType subset in a
 * simple symbolic TrueType font with widths and ToUnicode — what PDF/A-1b asks of embedded fonts. The seal
 * is a 1-bit stencil mask filled red (PDF/A-1 forbids soft masks); nothing uses transparency.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';
import fontkit from '@pdf-lib/fontkit';
import sharp from 'sharp';
import { StationError } from '../../common/errors';
import type { IncrementalUpdate } from './incremental';
import type { PdfFile } from './pdfFile';
import { dict, n, PdfDict, type PdfRef, PdfStream, type PdfValue, serialize } from './pdfObjects';
import { sharedMarkFonts, type SharedMarkFont } from './sharedMarkFonts';
import { compactTrueType, unitsPerEmFor } from './compactFont';

export const DEFAULT_FONT_FILE = fileURLToPath(new URL('../../../resources/fonts/LiberationSerif-Regular.ttf', import.meta.url));

export interface MarkSpec {
  position: 'top-left' | 'top-right';
  lines: string[];
  /** PNG (with alpha) of the agency seal, drawn red as a stencil mask. */
  sealPng?: Buffer | undefined;
  fontSize?: number;
  fontFile?: string;
  /** Precision of the embedded outlines (units per em); by default one unit is at most 0.08 pt at fontSize (compactFont.ts). */
  unitsPerEm?: number;
}

export interface BuiltAppearance {
  /** The appearance stream (/AP /N). */
  ref: PdfRef;
  /** Rect on the page, in default user space. */
  rect: [number, number, number, number];
}

const MARGIN = 18;
const PAD = 4;

async function collect(stream: { on: (e: 'data' | 'end', cb: (d: Uint8Array) => unknown) => unknown }): Promise<Buffer> {
  return new Promise((resolve) => {
    const parts: Buffer[] = [];
    stream.on('data', (d) => parts.push(Buffer.from(d)));
    stream.on('end', () => resolve(Buffer.concat(parts)));
  });
}

function hex2(n: number): string {
  return n.toString(16).padStart(2, '0');
}

function hex4(n: number): string {
  return n.toString(16).padStart(4, '0');
}

interface EncodedLine {
  /** Runs of character codes each drawn with one font resource (1- or 2-byte codes). */
  runs: { font: string; codeBytes: 1 | 2; codes: number[] }[];
  width: number;
}

/**
 * A subset's glyph g is drawn with code g + CODE_OFFSET: codes start at '!' so the text of a mark is written as
 * a literal string of one byte per character, never a control byte (no escapes, no line-end normalisation).
 */
const CODE_OFFSET = 0x20;
/** The most glyphs one mark subset draws: codes 0x21–0xFF. */
const MAX_SUBSET_GLYPHS = 0xff - CODE_OFFSET;

/** A run of codes as a PDF string operand: a literal for one-byte codes (only ( ) \\ escaped), hex for two-byte ones. */
function showString(codeBytes: 1 | 2, codes: number[]): string {
  if (codeBytes === 2) return `<${codes.map(hex4).join('')}>`;
  return `(${codes.map((c) => (c === 0x28 || c === 0x29 || c === 0x5c ? '\\' : '') + String.fromCharCode(c)).join('')})`;
}

/** The width in 1/1000 em a code point gets in a mark's font subset at `unitsPerEm` (compactFont.ts rounding). */
export function markGlyphWidth(font: fontkit.Font, cp: number, unitsPerEm: number): number | undefined {
  const g = font.glyphForCodePoint(cp);
  if (g.id === 0 && cp !== 0x20) return undefined;
  return Math.round((Math.round((g.advanceWidth * unitsPerEm) / font.unitsPerEm) * 1000) / unitsPerEm);
}

function utf16be(cp: number): string {
  const u = Buffer.from(String.fromCodePoint(cp), 'utf16le');
  u.swap16();
  return u.toString('hex');
}

/**
 * ToUnicode for one-byte codes. A subset's codes are consecutive, so each block of consecutive codes is one
 * bfrange with an array of destinations (`<21> <41> [<0020> <002b> …]`, ISO 32000-1 9.10.3): about half the
 * bytes of a bfchar line per code. Only the lines readers need: no CIDSystemInfo, codespace <00>–<FF>.
 */
function toUnicodeCMap(toUnicode: Map<number, number>): Buffer {
  const blocks: [code: number, cp: number][][] = [];
  for (const [code, cp] of [...toUnicode.entries()].sort((a, b) => a[0] - b[0])) {
    const last = blocks.at(-1);
    if (last && last.at(-1)![0] === code - 1 && last.length < 100) last.push([code, cp]);
    else blocks.push([[code, cp]]);
  }
  let cmap = '/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n/CMapName /SoHoa-Mark-UCS def\n/CMapType 2 def\n';
  cmap += '1 begincodespacerange\n<00> <FF>\nendcodespacerange\n';
  for (let i = 0; i < blocks.length; i += 100) {
    const part = blocks.slice(i, i + 100);
    cmap += `${part.length} beginbfrange\n`;
    for (const b of part) cmap += `<${hex2(b[0]![0])}> <${hex2(b.at(-1)![0])}> [${b.map(([, cp]) => `<${utf16be(cp)}>`).join('')}]\n`;
    cmap += 'endbfrange\n';
  }
  cmap += 'endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n';
  return deflateSync(Buffer.from(cmap, 'latin1'), { level: 9 });
}

/**
 * Embeds the glyphs of `lines` as a font subset — except those an earlier mark's subset (`shared`) already
 * holds, which are drawn with that font. The subset is a simple symbolic TrueType font (one-byte codes equal
 * to glyph ids, a (3,0) cmap, /Widths, ToUnicode): for the 20–60 glyphs of a mark it needs three objects
 * fewer than a Type0/CIDFontType2 font and no CIDSet, and its outlines are stored at `unitsPerEm`
 * (compactFont.ts). Returns the font resources to use and each line as runs of code hex.
 * No new font objects at all when every glyph is shared.
 */
async function embedFont(
  upd: IncrementalUpdate,
  lines: string[],
  fontSize: number,
  font: fontkit.Font,
  unitsPerEm: number,
  shared: SharedMarkFont[],
): Promise<{ fonts: PdfDict; encoded: EncodedLine[] }> {
  const subset = font.createSubset();
  const toUnicode = new Map<number, number>();
  const fonts = new PdfDict();
  const sharedName = new Map<SharedMarkFont, string>();
  // Control characters (a mis-encoded certificate name can carry C1 bytes) are dropped, and a character the
  // font lacks is drawn as '?': the mark is a human-readable label, the signature itself carries the
  // certificate, so an odd character in a name must not stop a clerk from signing.
  const glyphLines = lines.map((line) =>
    [...line.normalize('NFC').replace(/\p{Cc}/gu, '')].map((ch) => {
      const cp = ch.codePointAt(0)!;
      return markGlyphWidth(font, cp, unitsPerEm) === undefined ? 0x3f : cp;
    }),
  );
  // New glyphs enter the subset in code point order, so codes and code points rise together: the ToUnicode
  // map then holds runs (bfrange) instead of one entry per glyph. Past MAX_SUBSET_GLYPHS (never met by a
  // name and a time) the rest are drawn as '?'.
  const own = new Map<number, { code: number; width: number }>();
  let needed = [...new Set(glyphLines.flat())].filter((cp) => !shared.some((s) => s.glyphs.has(cp))).sort((a, b) => a - b);
  if (needed.length > MAX_SUBSET_GLYPHS) {
    needed = [...new Set([0x3f, ...needed.slice(0, MAX_SUBSET_GLYPHS - 1)])].sort((a, b) => a - b);
  }
  for (const cp of needed) {
    const code = subset.includeGlyph(font.glyphForCodePoint(cp)) + CODE_OFFSET;
    toUnicode.set(code, cp);
    own.set(cp, { code, width: markGlyphWidth(font, cp, unitsPerEm)! });
  }
  const encoded = glyphLines.map((cps) => {
    const runs: EncodedLine['runs'] = [];
    const put = (fontName: string, codeBytes: 1 | 2, code: number): void => {
      const last = runs.at(-1);
      if (last?.font === fontName) last.codes.push(code);
      else runs.push({ font: fontName, codeBytes, codes: [code] });
    };
    let width = 0;
    for (const wanted of cps) {
      const cp = own.has(wanted) || shared.some((s) => s.glyphs.has(wanted)) ? wanted : 0x3f;
      const reuse = own.has(cp) ? undefined : shared.find((s) => s.glyphs.has(cp));
      if (reuse) {
        let name = sharedName.get(reuse);
        if (!name) {
          name = `S${sharedName.size + 1}`;
          sharedName.set(reuse, name);
          fonts.set(name, reuse.ref);
        }
        const sg = reuse.glyphs.get(cp)!;
        put(name, reuse.codeBytes, sg.code);
        width += (sg.width * fontSize) / 1000;
        continue;
      }
      const mine = own.get(cp)!;
      put('F1', 1, mine.code);
      width += (mine.width * fontSize) / 1000;
    }
    return { runs, width };
  });
  if (toUnicode.size === 0) return { fonts, encoded };
  const compact = compactTrueType(await collect(subset.encodeStream()), { unitsPerEm, symbolCmap: { codeOffset: CODE_OFFSET } });
  const firstCode = CODE_OFFSET + 1;
  const lastCode = Math.max(...toUnicode.keys());
  const widths: number[] = [];
  for (let code = firstCode; code <= lastCode; code++) widths.push(Math.round((compact.advances[code - CODE_OFFSET]! * 1000) / unitsPerEm));
  const tag = Array.from(randomBytes(6), (b) => String.fromCharCode(65 + (b % 26))).join('');
  const baseName = `${tag}+${postscriptName(font)}`;
  const scale = 1000 / font.unitsPerEm;
  const bb = font.bbox;
  const fontFileRef = upd.add(new PdfStream(dict({ Length1: compact.program.length, Filter: n('FlateDecode') }), deflateSync(compact.program, { level: 9 })));
  const descriptor = upd.add(
    dict({
      Type: n('FontDescriptor'),
      FontName: n(baseName),
      Flags: 6, // serif, symbolic (the codes are glyph ids, not a standard encoding)
      FontBBox: [bb.minX, bb.minY, bb.maxX, bb.maxY].map((v) => Math.round(v * scale)),
      ItalicAngle: 0,
      Ascent: Math.round(font.ascent * scale),
      Descent: Math.round(font.descent * scale),
      CapHeight: Math.round(font.capHeight * scale),
      StemV: 80,
      FontFile2: fontFileRef,
    }),
  );
  const toUni = upd.add(new PdfStream(dict({ Filter: n('FlateDecode') }), toUnicodeCMap(toUnicode)));
  const fontRef = upd.add(
    dict({ Type: n('Font'), Subtype: n('TrueType'), BaseFont: n(baseName), FirstChar: firstCode, LastChar: lastCode, Widths: widths, FontDescriptor: descriptor, ToUnicode: toUni }),
  );
  fonts.set('F1', fontRef);
  return { fonts, encoded };
}

async function sealStencil(png: Buffer): Promise<{ data: Buffer; width: number; height: number }> {
  const { data, info } = await sharp(png).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  const rowBytes = Math.ceil(info.width / 8);
  const out = Buffer.alloc(rowBytes * info.height, 0xff);
  for (let y = 0; y < info.height; y++) {
    for (let x = 0; x < info.width; x++) {
      const i = (y * info.width + x) * info.channels;
      const alpha = data[i + info.channels - 1]!;
      const dark = data[i]! + data[i + 1]! + data[i + 2]! < 3 * 250;
      // Stencil: 0 paints with the fill colour. Paint where the seal is opaque and inked.
      if (alpha >= 128 && dark) out[y * rowBytes + (x >> 3)]! &= ~(0x80 >> (x & 7));
    }
  }
  return { data: out, width: info.width, height: info.height };
}

/**
 * Adds the appearance objects for a visible mark on a page whose visible box is `box` ([x1 y1 x2 y2]).
 */
/**
 * Where a w×h mark goes on a page shown rotated by `rotate` (the page's /Rotate, clockwise): the visual corner
 * is mapped back to default user space, and the appearance gets a /Matrix that turns it upright on screen.
 */
export function placeMark(box: number[], rotate: number, position: MarkSpec['position'], w: number, h: number): { rect: [number, number, number, number]; matrix: number[] | null } {
  const [x1, y1, x2, y2] = box as [number, number, number, number];
  const r = (((Math.round(rotate / 90) * 90) % 360) + 360) % 360;
  const W = x2 - x1;
  const H = y2 - y1;
  const vw = r % 180 === 0 ? W : H;
  const vh = r % 180 === 0 ? H : W;
  const vx = position === 'top-left' ? MARGIN : vw - MARGIN - w;
  const vy = vh - MARGIN - h;
  if (r === 90) return { rect: [x2 - vy - h, y1 + vx, x2 - vy, y1 + vx + w], matrix: [0, 1, -1, 0, 0, 0] };
  if (r === 180) return { rect: [x2 - vx - w, y2 - vy - h, x2 - vx, y2 - vy], matrix: [-1, 0, 0, -1, 0, 0] };
  if (r === 270) return { rect: [x1 + vy, y2 - vx - w, x1 + vy + h, y2 - vx], matrix: [0, -1, 1, 0, 0, 0] };
  return { rect: [x1 + vx, y1 + vy, x1 + vx + w, y1 + vy + h], matrix: null };
}

function loadFont(fontFile: string): fontkit.Font {
  try {
    return fontkit.create(readFileSync(fontFile));
  } catch (err) {
    throw new StationError('TOOL_MISSING', `font ${fontFile} cannot be read: ${(err as Error).message}`, { fontFile });
  }
}

function postscriptName(font: fontkit.Font): string {
  return (font.postscriptName ?? 'LiberationSerif').replace(/[^A-Za-z0-9-]/g, '');
}

/**
 * `earlier`: the document and its existing signature fields, whose marks' font subsets are reused where they
 * hold the glyphs (sharedMarkFonts.ts).
 */
export async function buildMark(
  upd: IncrementalUpdate,
  mark: MarkSpec,
  box: number[],
  rotate = 0,
  earlier: { file: PdfFile; fields: PdfValue[] } | null = null,
): Promise<BuiltAppearance> {
  const fontSize = mark.fontSize ?? 10;
  const leading = fontSize * 1.2;
  const font = loadFont(mark.fontFile ?? DEFAULT_FONT_FILE);
  const unitsPerEm = mark.unitsPerEm ?? unitsPerEmFor(fontSize, font.unitsPerEm);
  const widthOf = (cp: number): number | undefined => markGlyphWidth(font, cp, unitsPerEm);
  const shared = earlier ? sharedMarkFonts(earlier.file, earlier.fields, postscriptName(font), widthOf) : [];
  const { fonts, encoded } = await embedFont(upd, mark.lines, fontSize, font, unitsPerEm, shared);
  const textW = Math.max(...encoded.map((e) => e.width), 40);
  const textH = encoded.length * leading;
  // The seal sits at the left, the text overlapping its right third (how seals cover a signature).
  const sealSide = mark.sealPng ? 60 : 0;
  const textX = PAD + (sealSide * 2) / 3;
  const width = Math.ceil(textX + textW + PAD);
  const height = Math.ceil(Math.max(textH, sealSide) + 2 * PAD);
  const place = placeMark(box, rotate, mark.position, width, height);
  let content = '';
  const resources = new PdfDict().set('Font', fonts);
  if (mark.sealPng) {
    const seal = await sealStencil(mark.sealPng);
    const img = upd.add(
      new PdfStream(
        dict({ Type: n('XObject'), Subtype: n('Image'), Width: seal.width, Height: seal.height, ImageMask: true, BitsPerComponent: 1, Filter: n('FlateDecode') }),
        deflateSync(seal.data),
      ),
    );
    resources.set('XObject', dict({ Seal: img }));
    const sw = (sealSide * seal.width) / Math.max(seal.width, seal.height);
    const sh = (sealSide * seal.height) / Math.max(seal.width, seal.height);
    content += `q 1 0 0 rg ${sw.toFixed(2)} 0 0 ${sh.toFixed(2)} ${PAD} ${((height - sh) / 2).toFixed(2)} cm /Seal Do Q\n`;
  }
  const textTop = height - PAD - (height - 2 * PAD - textH) / 2;
  // Black text; the font is selected again only where a run changes it. No q/Q: painting a form XObject saves
  // and restores the graphics state itself (ISO 32000-1 8.10.1).
  content += `0 g BT ${serialize(Number(leading.toFixed(2)))} TL ${serialize(Number(textX.toFixed(2)))} ${serialize(Number((textTop - fontSize).toFixed(2)))} Td\n`;
  let current = '';
  encoded.forEach((e, i) => {
    const shows = e.runs.map((r) => {
      const select = r.font === current ? '' : `/${r.font} ${fontSize} Tf `;
      current = r.font;
      return `${select}${showString(r.codeBytes, r.codes)} Tj`;
    });
    content += `${i === 0 ? '' : 'T* '}${shows.join(' ')}\n`;
  });
  content += 'ET\n';
  // A two-line mark is ~150 bytes that deflate barely shrinks: kept plain unless compressing pays for /Filter.
  const raw = Buffer.from(content, 'latin1');
  const packed = deflateSync(raw, { level: 9 });
  const compress = packed.length + '/Filter /FlateDecode'.length < raw.length;
  const ref = upd.add(
    new PdfStream(
      dict({
        Subtype: n('Form'),
        BBox: [0, 0, width, height],
        Matrix: place.matrix ?? undefined,
        Resources: resources,
        Filter: compress ? n('FlateDecode') : undefined,
      }),
      compress ? packed : raw,
    ),
  );
  return { ref, rect: place.rect };
}

/** An empty appearance for invisible fields (document timestamps): PDF/A wants an /AP on every widget. */
export function emptyAppearance(upd: IncrementalUpdate): PdfRef {
  return upd.add(new PdfStream(dict({ Type: n('XObject'), Subtype: n('Form'), BBox: [0, 0, 0, 0], Resources: new PdfDict() }), Buffer.alloc(0)));
}
