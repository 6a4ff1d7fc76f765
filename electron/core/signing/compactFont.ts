/**
 * Shrinks the TrueType subset of a signature mark before it is embedded. The first visible mark of a document
 * pays for its font program; in Liberation Serif that program is nearly all outline coordinates, stored at
 * 2048 units per em — a precision of 0.005 pt at 10 pt, ten times finer than a 600 dpi printer dot. Here:
 *  - hinting is dropped (glyph programs, fpgm/prep/cvt): viewers render PDF text scaled and anti-aliased;
 *  - outlines and metrics are re-expressed at a smaller unitsPerEm chosen by the caller from the point size,
 *    so coordinate steps fit one byte and carry less entropy (every point moves by at most half a unit:
 *    0.04 pt = 0.014 mm at 10 pt, a third of a 600 dpi printer dot; rendered at 1200 dpi the mark is not told
 *    apart from the full-precision one — tests/integration/signing/markFont.test.ts);
 *  - .notdef keeps its advance but not its outline (marks never draw it: a missing character becomes '?');
 *  - for a simple (single-byte) font, a Microsoft Symbol (3,0) cmap maps code c to glyph c − offset through
 *    0xF000 + c — what PDF readers use for a symbolic TrueType font without /Encoding (PDF/A-1 6.3.7).
 * Glyph ids are unchanged, so a code, a glyph id and a width stay in step; loca is written short when it fits.
 */

const DROPPED = new Set(['cvt ', 'fpgm', 'prep', 'hdmx', 'LTSH', 'VDMX', 'cmap', 'name', 'post', 'OS/2', 'gasp', 'kern', 'GPOS', 'GSUB', 'GDEF']);

// Simple glyph flags (OpenType 'glyf').
const ON_CURVE = 0x01;
const X_SHORT = 0x02;
const Y_SHORT = 0x04;
const REPEAT = 0x08;
const X_SAME_OR_POSITIVE = 0x10;
const Y_SAME_OR_POSITIVE = 0x20;
// Composite glyph flags.
const ARG_1_AND_2_ARE_WORDS = 0x0001;
const ARGS_ARE_XY_VALUES = 0x0002;
const WE_HAVE_A_SCALE = 0x0008;
const MORE_COMPONENTS = 0x0020;
const WE_HAVE_AN_X_AND_Y_SCALE = 0x0040;
const WE_HAVE_A_TWO_BY_TWO = 0x0080;
const WE_HAVE_INSTRUCTIONS = 0x0100;

interface Table {
  tag: string;
  data: Buffer;
}

export interface CompactOptions {
  /** Units per em of the result (16–16384); the font's own when absent. */
  unitsPerEm?: number;
  /** Add a (3,0) cmap mapping 0xF000 + code → glyph code − codeOffset, glyphs 1…glyphCount−1 (a simple symbolic font). */
  symbolCmap?: { codeOffset: number };
}

export interface CompactFont {
  program: Buffer;
  unitsPerEm: number;
  /** Advance of each glyph id in the result's units. */
  advances: number[];
}

function readTables(font: Buffer): Table[] {
  const count = font.readUInt16BE(4);
  const tables: Table[] = [];
  for (let i = 0; i < count; i++) {
    const rec = 12 + i * 16;
    const offset = font.readUInt32BE(rec + 8);
    const length = font.readUInt32BE(rec + 12);
    tables.push({ tag: font.toString('latin1', rec, rec + 4), data: font.subarray(offset, offset + length) });
  }
  return tables;
}

interface SimpleGlyph {
  ends: number[];
  onCurve: boolean[];
  xs: number[];
  ys: number[];
}

function decodeSimple(g: Buffer, contours: number): SimpleGlyph {
  const ends: number[] = [];
  for (let i = 0; i < contours; i++) ends.push(g.readUInt16BE(10 + i * 2));
  let p = 10 + contours * 2;
  p += 2 + g.readUInt16BE(p);
  const points = contours ? ends.at(-1)! + 1 : 0;
  const flags: number[] = [];
  while (flags.length < points) {
    const f = g[p++]!;
    flags.push(f);
    if (f & REPEAT) for (let r = g[p++]!; r > 0; r--) flags.push(f);
  }
  const coords = (short: number, same: number): number[] => {
    const out: number[] = [];
    let v = 0;
    for (const f of flags) {
      if (f & short) v += f & same ? g[p++]! : -g[p++]!;
      else if (!(f & same)) {
        v += g.readInt16BE(p);
        p += 2;
      }
      out.push(v);
    }
    return out;
  };
  const xs = coords(X_SHORT, X_SAME_OR_POSITIVE);
  const ys = coords(Y_SHORT, Y_SAME_OR_POSITIVE);
  return { ends, onCurve: flags.map((f) => (f & ON_CURVE) !== 0), xs, ys };
}

/** A simple glyph with the smallest flag/delta encoding (repeated flags, one-byte steps where they fit), no instructions. */
function encodeSimple(s: SimpleGlyph): Buffer {
  if (s.xs.length === 0) return Buffer.alloc(0);
  const flags: number[] = [];
  const xb: number[] = [];
  const yb: number[] = [];
  const step = (d: number, short: number, same: number, out: number[]): number => {
    if (d === 0) return same;
    if (d >= -255 && d <= 255) {
      out.push(Math.abs(d));
      return short | (d > 0 ? same : 0);
    }
    out.push((d >> 8) & 0xff, d & 0xff);
    return 0;
  };
  let px = 0;
  let py = 0;
  s.xs.forEach((x, i) => {
    const y = s.ys[i]!;
    let f = s.onCurve[i] ? ON_CURVE : 0;
    f |= step(x - px, X_SHORT, X_SAME_OR_POSITIVE, xb);
    f |= step(y - py, Y_SHORT, Y_SAME_OR_POSITIVE, yb);
    flags.push(f);
    px = x;
    py = y;
  });
  const fb: number[] = [];
  for (let i = 0; i < flags.length; ) {
    let j = i;
    while (j + 1 < flags.length && flags[j + 1] === flags[i] && j - i < 255) j++;
    if (j > i) fb.push(flags[i]! | REPEAT, j - i);
    else fb.push(flags[i]!);
    i = j + 1;
  }
  const head = Buffer.alloc(10 + s.ends.length * 2 + 2);
  head.writeInt16BE(s.ends.length, 0);
  head.writeInt16BE(Math.min(...s.xs), 2);
  head.writeInt16BE(Math.min(...s.ys), 4);
  head.writeInt16BE(Math.max(...s.xs), 6);
  head.writeInt16BE(Math.max(...s.ys), 8);
  s.ends.forEach((e, i) => head.writeUInt16BE(e, 10 + i * 2));
  return Buffer.concat([head, Buffer.from(fb), Buffer.from(xb), Buffer.from(yb)]);
}

/** A composite glyph without instructions, its component offsets scaled (point-matched anchors stay). */
function encodeComposite(g: Buffer, k: number): Buffer {
  const parts: Buffer[] = [];
  const head = Buffer.from(g.subarray(0, 10));
  for (let i = 2; i < 10; i += 2) head.writeInt16BE(Math.round(g.readInt16BE(i) * k), i);
  parts.push(head);
  let p = 10;
  for (;;) {
    let flags = g.readUInt16BE(p);
    const gid = g.readUInt16BE(p + 2);
    p += 4;
    let a: number;
    let b: number;
    const words = (flags & ARG_1_AND_2_ARE_WORDS) !== 0;
    const xy = (flags & ARGS_ARE_XY_VALUES) !== 0;
    if (words) {
      a = xy ? g.readInt16BE(p) : g.readUInt16BE(p);
      b = xy ? g.readInt16BE(p + 2) : g.readUInt16BE(p + 2);
      p += 4;
    } else {
      a = xy ? g.readInt8(p) : g.readUInt8(p);
      b = xy ? g.readInt8(p + 1) : g.readUInt8(p + 1);
      p += 2;
    }
    if (xy) {
      a = Math.round(a * k);
      b = Math.round(b * k);
    }
    const fitsBytes = xy ? a >= -128 && a <= 127 && b >= -128 && b <= 127 : a <= 255 && b <= 255;
    flags &= ~WE_HAVE_INSTRUCTIONS;
    flags = fitsBytes ? flags & ~ARG_1_AND_2_ARE_WORDS : flags | ARG_1_AND_2_ARE_WORDS;
    const rec = Buffer.alloc(fitsBytes ? 6 : 8);
    rec.writeUInt16BE(flags, 0);
    rec.writeUInt16BE(gid, 2);
    if (fitsBytes && xy) {
      rec.writeInt8(a, 4);
      rec.writeInt8(b, 5);
    } else if (fitsBytes) {
      rec.writeUInt8(a, 4);
      rec.writeUInt8(b, 5);
    } else if (xy) {
      rec.writeInt16BE(a, 4);
      rec.writeInt16BE(b, 6);
    } else {
      rec.writeUInt16BE(a, 4);
      rec.writeUInt16BE(b, 6);
    }
    parts.push(rec);
    const transform = flags & WE_HAVE_A_SCALE ? 2 : flags & WE_HAVE_AN_X_AND_Y_SCALE ? 4 : flags & WE_HAVE_A_TWO_BY_TWO ? 8 : 0;
    parts.push(g.subarray(p, p + transform));
    p += transform;
    if (!(flags & MORE_COMPONENTS)) break;
  }
  return Buffer.concat(parts);
}

function compactGlyph(g: Buffer, k: number): Buffer {
  if (g.length === 0) return g;
  const contours = g.readInt16BE(0);
  if (contours < 0) return encodeComposite(g, k);
  const s = decodeSimple(g, contours);
  return encodeSimple({ ...s, xs: s.xs.map((x) => Math.round(x * k)), ys: s.ys.map((y) => Math.round(y * k)) });
}

/** A (3,0) format-4 cmap: 0xF000 + offset + 1 … 0xF000 + offset + last → glyphs 1 … last. */
function symbolCmap(last: number, offset: number): Buffer {
  const segs = 2;
  const sub = Buffer.alloc(16 + segs * 8);
  sub.writeUInt16BE(4, 0);
  sub.writeUInt16BE(sub.length, 2);
  sub.writeUInt16BE(segs * 2, 6);
  sub.writeUInt16BE(2 * 2 ** Math.floor(Math.log2(segs)), 8);
  sub.writeUInt16BE(Math.floor(Math.log2(segs)), 10);
  sub.writeUInt16BE(segs * 2 - 2 * 2 ** Math.floor(Math.log2(segs)), 12);
  let o = 14;
  sub.writeUInt16BE(0xf000 + offset + last, o); // endCode
  sub.writeUInt16BE(0xffff, o + 2);
  o += 4 + 2; // reservedPad
  sub.writeUInt16BE(0xf000 + offset + 1, o); // startCode
  sub.writeUInt16BE(0xffff, o + 2);
  o += 4;
  sub.writeUInt16BE(0x10000 - 0xf000 - offset, o); // idDelta: 0xF000 + c → c − offset
  sub.writeUInt16BE(1, o + 2);
  // idRangeOffset: 0, 0 (already zero)
  const head = Buffer.alloc(12);
  head.writeUInt16BE(0, 0);
  head.writeUInt16BE(1, 2);
  head.writeUInt16BE(3, 4);
  head.writeUInt16BE(0, 6);
  head.writeUInt32BE(12, 8);
  return Buffer.concat([head, sub]);
}

function checksum(b: Buffer): number {
  let sum = 0;
  const padded = pad4(b);
  for (let i = 0; i < padded.length; i += 4) sum = (sum + padded.readUInt32BE(i)) >>> 0;
  return sum;
}

function pad2(b: Buffer): Buffer {
  return b.length % 2 === 0 ? b : Buffer.concat([b, Buffer.alloc(1)]);
}

function pad4(b: Buffer): Buffer {
  return b.length % 4 === 0 ? b : Buffer.concat([b, Buffer.alloc(4 - (b.length % 4))]);
}

/** The units per em for outlines drawn at `fontSize` points so that one unit is at most 0.08 pt (a power of two, 64 up to the font's own). */
export function unitsPerEmFor(fontSize: number, fontUnitsPerEm: number): number {
  let u = 64;
  while (u < fontUnitsPerEm && fontSize / u > 0.08) u *= 2;
  return Math.min(u, fontUnitsPerEm);
}

/** The compacted font. Non-TrueType input (no glyf/loca) is refused: marks embed TrueType only. */
export function compactTrueType(font: Buffer, opts: CompactOptions = {}): CompactFont {
  const tables = readTables(font);
  const byTag = new Map(tables.map((t) => [t.tag, t.data]));
  const head = byTag.get('head');
  const loca = byTag.get('loca');
  const glyf = byTag.get('glyf');
  const maxp = byTag.get('maxp');
  const hhea = byTag.get('hhea');
  const hmtx = byTag.get('hmtx');
  if (!head || !loca || !glyf || !maxp || !hhea || !hmtx) throw new Error('not a TrueType font (glyf, loca, head, hhea, hmtx, maxp needed)');
  const fromUpem = head.readUInt16BE(18);
  const upem = opts.unitsPerEm ?? fromUpem;
  const k = upem / fromUpem;
  const sc = (v: number): number => Math.round(v * k);
  const glyphCount = maxp.readUInt16BE(4);
  const longLoca = head.readInt16BE(50) === 1;
  const offsetOf = (i: number): number => (longLoca ? loca.readUInt32BE(i * 4) : loca.readUInt16BE(i * 2) * 2);
  const glyphs: Buffer[] = [];
  for (let i = 0; i < glyphCount; i++) glyphs.push(i === 0 ? Buffer.alloc(0) : pad2(compactGlyph(glyf.subarray(offsetOf(i), offsetOf(i + 1)), k)));
  const total = glyphs.reduce((a, g) => a + g.length, 0);
  const shortLoca = total / 2 <= 0xffff;
  const newLoca = Buffer.alloc((glyphCount + 1) * (shortLoca ? 2 : 4));
  let pos = 0;
  for (let i = 0; i <= glyphCount; i++) {
    if (shortLoca) newLoca.writeUInt16BE(pos / 2, i * 2);
    else newLoca.writeUInt32BE(pos, i * 4);
    pos += glyphs[i]?.length ?? 0;
  }

  // hmtx: numberOfHMetrics long records, then left side bearings only (the last advance repeats).
  const metrics = hhea.readUInt16BE(34);
  const advances: number[] = [];
  const newHmtx = Buffer.alloc(glyphCount * 4);
  for (let i = 0; i < glyphCount; i++) {
    const adv = hmtx.readUInt16BE(Math.min(i, metrics - 1) * 4);
    const lsb = i < metrics ? hmtx.readInt16BE(i * 4 + 2) : hmtx.readInt16BE(metrics * 4 + (i - metrics) * 2);
    advances.push(sc(adv));
    newHmtx.writeUInt16BE(sc(adv), i * 4);
    newHmtx.writeInt16BE(sc(lsb), i * 4 + 2);
  }
  const newHhea = Buffer.from(hhea);
  for (const off of [4, 6, 8]) newHhea.writeInt16BE(sc(hhea.readInt16BE(off)), off); // ascender, descender, lineGap
  newHhea.writeUInt16BE(sc(hhea.readUInt16BE(10)), 10); // advanceWidthMax
  for (const off of [12, 14, 16]) newHhea.writeInt16BE(sc(hhea.readInt16BE(off)), off); // minLSB, minRSB, xMaxExtent
  newHhea.writeInt16BE(sc(hhea.readInt16BE(22)), 22); // caretOffset
  newHhea.writeUInt16BE(glyphCount, 34);
  const newHead = Buffer.from(head);
  newHead.writeUInt16BE(upem, 18);
  for (const off of [36, 38, 40, 42]) newHead.writeInt16BE(sc(head.readInt16BE(off)), off); // bbox
  newHead.writeInt16BE(shortLoca ? 0 : 1, 50);
  newHead.writeUInt32BE(0, 8); // checkSumAdjustment, set below
  const newMaxp = Buffer.from(maxp);
  if (newMaxp.length >= 32) {
    newMaxp.writeUInt16BE(0, 26); // maxSizeOfInstructions
    for (const off of [20, 22, 24]) newMaxp.writeUInt16BE(0, off); // maxFunctionDefs, maxInstructionDefs, maxStackElements
  }

  const out: Table[] = tables
    .filter((t) => !DROPPED.has(t.tag))
    .map((t) => {
      if (t.tag === 'head') return { tag: t.tag, data: newHead };
      if (t.tag === 'hhea') return { tag: t.tag, data: newHhea };
      if (t.tag === 'hmtx') return { tag: t.tag, data: newHmtx };
      if (t.tag === 'maxp') return { tag: t.tag, data: newMaxp };
      if (t.tag === 'loca') return { tag: t.tag, data: newLoca };
      if (t.tag === 'glyf') return { tag: t.tag, data: Buffer.concat(glyphs) };
      return t;
    });
  if (opts.symbolCmap) out.push({ tag: 'cmap', data: symbolCmap(glyphCount - 1, opts.symbolCmap.codeOffset) });
  out.sort((a, b) => (a.tag < b.tag ? -1 : a.tag > b.tag ? 1 : 0));

  const numTables = out.length;
  const entrySelector = Math.floor(Math.log2(numTables));
  const searchRange = 2 ** entrySelector * 16;
  const header = Buffer.alloc(12 + numTables * 16);
  header.writeUInt32BE(0x00010000, 0);
  header.writeUInt16BE(numTables, 4);
  header.writeUInt16BE(searchRange, 6);
  header.writeUInt16BE(entrySelector, 8);
  header.writeUInt16BE(numTables * 16 - searchRange, 10);
  const bodies: Buffer[] = [];
  let offset = header.length;
  let headOffset = 0;
  out.forEach((t, i) => {
    const rec = 12 + i * 16;
    header.write(t.tag, rec, 'latin1');
    header.writeUInt32BE(checksum(t.data), rec + 4);
    header.writeUInt32BE(offset, rec + 8);
    header.writeUInt32BE(t.data.length, rec + 12);
    if (t.tag === 'head') headOffset = offset;
    const body = pad4(t.data);
    bodies.push(body);
    offset += body.length;
  });
  const program = Buffer.concat([header, ...bodies]);
  program.writeUInt32BE((0xb1b0afba - checksum(program)) >>> 0, headOffset + 8);
  return { program, unitsPerEm: upem, advances };
}
