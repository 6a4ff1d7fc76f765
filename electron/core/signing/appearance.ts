/**
 * Visible signature marks (TT 01/2023 Art. 8, NĐ 30/2020): the clerk's mark at the top-left of page 1 (name,
 * time of copying) and the agency's "SAO Y" mark at the top-right (text only; optional red seal). Text is set
 * in Liberation Serif 2 (Times-metric, Vietnamese glyphs), 10 pt, black, embedded as a TrueType subset in a
 * Type0/CIDFontType2 font with widths, CIDSet and ToUnicode — what PDF/A-1b asks of embedded fonts. The seal
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
import { dict, n, PdfDict, type PdfRef, PdfStream, PdfString, type PdfValue } from './pdfObjects';
import { sharedMarkFonts, type SharedMarkFont } from './sharedMarkFonts';
import { unhintedTrueType } from './unhintedFont';

export const DEFAULT_FONT_FILE = fileURLToPath(new URL('../../../resources/fonts/LiberationSerif-Regular.ttf', import.meta.url));

export interface MarkSpec {
  position: 'top-left' | 'top-right';
  lines: string[];
  /** PNG (with alpha) of the agency seal, drawn red as a stencil mask. */
  sealPng?: Buffer | undefined;
  fontSize?: number;
  fontFile?: string;
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

function hex4(n: number): string {
  return n.toString(16).padStart(4, '0');
}

interface EncodedLine {
  /** Runs of CIDs (hex) each drawn with one font resource. */
  runs: { font: string; hex: string }[];
  width: number;
}

/**
 * Embeds the glyphs of `lines` as a font subset — except those an earlier mark's subset (`shared`) already
 * holds, which are drawn with that font. Returns the font resources to use and each line as runs of CID hex.
 * No new font objects at all when every glyph is shared.
 */
async function embedFont(
  upd: IncrementalUpdate,
  lines: string[],
  fontSize: number,
  font: fontkit.Font,
  shared: SharedMarkFont[],
): Promise<{ fonts: PdfDict; encoded: EncodedLine[] }> {
  const subset = font.createSubset();
  const scale = 1000 / font.unitsPerEm;
  const widths = new Map<number, number>([[0, Math.round(font.getGlyph(0).advanceWidth * scale)]]);
  const toUnicode = new Map<number, number>();
  const fonts = new PdfDict();
  const sharedName = new Map<SharedMarkFont, string>();
  // Control characters (a mis-encoded certificate name can carry C1 bytes) are dropped, and a character the
  // font lacks is drawn as '?': the mark is a human-readable label, the signature itself carries the
  // certificate, so an odd character in a name must not stop a clerk from signing.
  const glyphLines = lines.map((line) =>
    [...line.normalize('NFC').replace(/\p{Cc}/gu, '')].map((ch) => {
      const g = font.glyphForCodePoint(ch.codePointAt(0)!);
      return g.id === 0 && ch !== ' ' ? { cp: 0x3f, g: font.glyphForCodePoint(0x3f) } : { cp: ch.codePointAt(0)!, g };
    }),
  );
  // New glyphs enter the subset in code point order, so CIDs and code points rise together: the /W array and
  // the ToUnicode map then hold runs (`c [w1 w2 …]`, bfrange) instead of one entry per glyph.
  const own = new Map<number, { cid: number; width: number }>();
  const needed = [...new Set(glyphLines.flat().map((c) => c.cp))].filter((cp) => !shared.some((s) => s.glyphs.has(cp))).sort((a, b) => a - b);
  for (const cp of needed) {
    const g = glyphLines.flat().find((c) => c.cp === cp)!.g;
    const cid = subset.includeGlyph(g);
    const w = Math.round(g.advanceWidth * scale);
    widths.set(cid, w);
    if (!toUnicode.has(cid)) toUnicode.set(cid, cp);
    own.set(cp, { cid, width: w });
  }
  const encoded = glyphLines.map((chars) => {
    const runs: EncodedLine['runs'] = [];
    const put = (fontName: string, cid: number): void => {
      const last = runs.at(-1);
      if (last?.font === fontName) last.hex += hex4(cid);
      else runs.push({ font: fontName, hex: hex4(cid) });
    };
    let width = 0;
    for (const { cp } of chars) {
      const reuse = shared.find((s) => s.glyphs.has(cp));
      if (reuse) {
        let name = sharedName.get(reuse);
        if (!name) {
          name = `S${sharedName.size + 1}`;
          sharedName.set(reuse, name);
          fonts.set(name, reuse.ref);
        }
        const sg = reuse.glyphs.get(cp)!;
        put(name, sg.cid);
        width += (sg.width * fontSize) / 1000;
        continue;
      }
      const mine = own.get(cp)!;
      put('F1', mine.cid);
      width += (mine.width * fontSize) / 1000;
    }
    return { runs, width };
  });
  if (toUnicode.size === 0) return { fonts, encoded };
  const program = unhintedTrueType(await collect(subset.encodeStream()));
  const tag = Array.from(randomBytes(6), (b) => String.fromCharCode(65 + (b % 26))).join('');
  const baseName = `${tag}+${postscriptName(font)}`;
  const maxCid = Math.max(...widths.keys());
  const cidSet = Buffer.alloc(Math.floor(maxCid / 8) + 1);
  for (const cid of widths.keys()) cidSet[cid >> 3]! |= 0x80 >> (cid & 7);
  const w: PdfValue[] = [];
  for (const cid of [...widths.keys()].sort((a, b) => a - b)) {
    const run = w.at(-1);
    if (Array.isArray(run) && (w.at(-2) as number) + run.length === cid) run.push(widths.get(cid)!);
    else w.push(cid, [widths.get(cid)!]);
  }
  const bb = font.bbox;
  const fontFileRef = upd.add(new PdfStream(dict({ Length1: program.length, Filter: n('FlateDecode') }), deflateSync(program, { level: 9 })));
  const cidSetRef = upd.add(new PdfStream(dict({ Filter: n('FlateDecode') }), deflateSync(cidSet)));
  const descriptor = upd.add(
    dict({
      Type: n('FontDescriptor'),
      FontName: n(baseName),
      Flags: 6,
      FontBBox: [bb.minX, bb.minY, bb.maxX, bb.maxY].map((v) => Math.round(v * scale)),
      ItalicAngle: 0,
      Ascent: Math.round(font.ascent * scale),
      Descent: Math.round(font.descent * scale),
      CapHeight: Math.round(font.capHeight * scale),
      StemV: 80,
      FontFile2: fontFileRef,
      CIDSet: cidSetRef,
    }),
  );
  const cidFont = upd.add(
    dict({
      Type: n('Font'),
      Subtype: n('CIDFontType2'),
      BaseFont: n(baseName),
      CIDSystemInfo: dict({ Registry: new PdfString(Buffer.from('Adobe')), Ordering: new PdfString(Buffer.from('Identity')), Supplement: 0 }),
      FontDescriptor: descriptor,
      DW: 1000,
      W: w,
      CIDToGIDMap: n('Identity'),
    }),
  );
  let cmap = '/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n';
  cmap += '/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n';
  // Consecutive CIDs with consecutive code points (0–3, k l, n o…) as one bfrange <lo> <hi> <first>; a range
  // stays within one high byte of the CID and of the code point (the CMap rules for incrementing the last byte).
  const ranges: [lo: number, hi: number, cp: number][] = [];
  for (const [cid, cp] of [...toUnicode.entries()].sort((a, b) => a[0] - b[0])) {
    const last = ranges.at(-1);
    const k = last ? cid - last[0] : 0;
    if (last && cid === last[1] + 1 && cp === last[2] + k && cp <= 0xffff && cid >> 8 === last[0] >> 8 && (last[2] & 0xff) + k <= 0xff) last[1] = cid;
    else ranges.push([cid, cid, cp]);
  }
  const utf16be = (cp: number): string => {
    const u = Buffer.from(String.fromCodePoint(cp), 'utf16le');
    u.swap16();
    return u.toString('hex');
  };
  const sections = (kind: 'bfchar' | 'bfrange', lines: string[]): string => {
    let out = '';
    for (let i = 0; i < lines.length; i += 100) out += `${lines.slice(i, i + 100).length} begin${kind}\n${lines.slice(i, i + 100).join('\n')}\nend${kind}\n`;
    return out;
  };
  cmap += sections(
    'bfchar',
    ranges.filter(([lo, hi]) => lo === hi).map(([cid, , cp]) => `<${hex4(cid)}> <${utf16be(cp)}>`),
  );
  cmap += sections(
    'bfrange',
    ranges.filter(([lo, hi]) => lo !== hi).map(([lo, hi, cp]) => `<${hex4(lo)}> <${hex4(hi)}> <${utf16be(cp)}>`),
  );
  cmap += 'endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n';
  const toUni = upd.add(new PdfStream(dict({ Filter: n('FlateDecode') }), deflateSync(Buffer.from(cmap, 'latin1'))));
  const fontRef = upd.add(
    dict({ Type: n('Font'), Subtype: n('Type0'), BaseFont: n(baseName), Encoding: n('Identity-H'), DescendantFonts: [cidFont], ToUnicode: toUni }),
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
  const scale = 1000 / font.unitsPerEm;
  const widthOf = (cp: number): number | undefined => {
    const g = font.glyphForCodePoint(cp);
    return g.id === 0 && cp !== 0x20 ? undefined : Math.round(g.advanceWidth * scale);
  };
  const shared = earlier ? sharedMarkFonts(earlier.file, earlier.fields, postscriptName(font), widthOf) : [];
  const { fonts, encoded } = await embedFont(upd, mark.lines, fontSize, font, shared);
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
  content += `q 0 0 0 rg BT ${leading.toFixed(2)} TL ${textX.toFixed(2)} ${(textTop - fontSize).toFixed(2)} Td\n`;
  encoded.forEach((e, i) => {
    content += `${i === 0 ? '' : 'T* '}${e.runs.map((r) => `/${r.font} ${fontSize} Tf <${r.hex}> Tj`).join(' ')}\n`;
  });
  content += 'ET Q\n';
  const ref = upd.add(
    new PdfStream(
      dict({
        Type: n('XObject'),
        Subtype: n('Form'),
        FormType: 1,
        BBox: [0, 0, width, height],
        Matrix: place.matrix ?? undefined,
        Resources: resources,
        Filter: n('FlateDecode'),
      }),
      deflateSync(Buffer.from(content, 'latin1')),
    ),
  );
  return { ref, rect: place.rect };
}

/** An empty appearance for invisible fields (document timestamps): PDF/A wants an /AP on every widget. */
export function emptyAppearance(upd: IncrementalUpdate): PdfRef {
  return upd.add(new PdfStream(dict({ Type: n('XObject'), Subtype: n('Form'), BBox: [0, 0, 0, 0], Resources: new PdfDict() }), Buffer.alloc(0)));
}
