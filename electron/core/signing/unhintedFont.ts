/**
 * Drops TrueType hinting from a font subset before it is embedded in a signature mark. Liberation Serif's
 * instructions (glyph programs + fpgm/prep/cvt) are about half of a subset's bytes, and each signature pays
 * them again; viewers render PDF text scaled and anti-aliased, where hinting changes nothing visible. Outlines,
 * metrics and glyph ids stay as they are, so widths (/W) and CIDs are unchanged.
 */

const DROPPED = new Set(['cvt ', 'fpgm', 'prep', 'hdmx', 'LTSH', 'VDMX']);

// Composite glyph flags (OpenType 'glyf').
const ARG_1_AND_2_ARE_WORDS = 0x0001;
const WE_HAVE_A_SCALE = 0x0008;
const MORE_COMPONENTS = 0x0020;
const WE_HAVE_AN_X_AND_Y_SCALE = 0x0040;
const WE_HAVE_A_TWO_BY_TWO = 0x0080;
const WE_HAVE_INSTRUCTIONS = 0x0100;

interface Table {
  tag: string;
  data: Buffer;
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

/** One glyph without its instructions. */
function stripGlyph(g: Buffer): Buffer {
  if (g.length === 0) return g;
  const contours = g.readInt16BE(0);
  if (contours >= 0) {
    const lenAt = 10 + contours * 2;
    const instrLen = g.readUInt16BE(lenAt);
    const out = Buffer.concat([g.subarray(0, lenAt), Buffer.alloc(2), g.subarray(lenAt + 2 + instrLen)]);
    return out;
  }
  const out = Buffer.from(g);
  let p = 10;
  for (;;) {
    const flags = out.readUInt16BE(p);
    out.writeUInt16BE(flags & ~WE_HAVE_INSTRUCTIONS, p);
    p += 4 + (flags & ARG_1_AND_2_ARE_WORDS ? 4 : 2);
    if (flags & WE_HAVE_A_SCALE) p += 2;
    else if (flags & WE_HAVE_AN_X_AND_Y_SCALE) p += 4;
    else if (flags & WE_HAVE_A_TWO_BY_TWO) p += 8;
    if (!(flags & MORE_COMPONENTS)) break;
  }
  return out.subarray(0, p);
}

function checksum(b: Buffer): number {
  let sum = 0;
  const padded = b.length % 4 === 0 ? b : Buffer.concat([b, Buffer.alloc(4 - (b.length % 4))]);
  for (let i = 0; i < padded.length; i += 4) sum = (sum + padded.readUInt32BE(i)) >>> 0;
  return sum;
}

function pad4(b: Buffer): Buffer {
  return b.length % 4 === 0 ? b : Buffer.concat([b, Buffer.alloc(4 - (b.length % 4))]);
}

/** The same TrueType font without hinting (long 'loca', valid checksums). Non-TrueType input is returned as is. */
export function unhintedTrueType(font: Buffer): Buffer {
  const tables = readTables(font);
  const byTag = new Map(tables.map((t) => [t.tag, t.data]));
  const head = byTag.get('head');
  const loca = byTag.get('loca');
  const glyf = byTag.get('glyf');
  const maxp = byTag.get('maxp');
  if (!head || !loca || !glyf || !maxp) return font;
  const glyphCount = maxp.readUInt16BE(4);
  const longLoca = head.readInt16BE(50) === 1;
  const offsetOf = (i: number): number => (longLoca ? loca.readUInt32BE(i * 4) : loca.readUInt16BE(i * 2) * 2);
  const glyphs: Buffer[] = [];
  const newLoca = Buffer.alloc((glyphCount + 1) * 4);
  let pos = 0;
  for (let i = 0; i < glyphCount; i++) {
    const g = pad4(stripGlyph(glyf.subarray(offsetOf(i), offsetOf(i + 1))));
    newLoca.writeUInt32BE(pos, i * 4);
    glyphs.push(g);
    pos += g.length;
  }
  newLoca.writeUInt32BE(pos, glyphCount * 4);
  const newHead = Buffer.from(head);
  newHead.writeInt16BE(1, 50); // indexToLocFormat: long offsets
  newHead.writeUInt32BE(0, 8); // checkSumAdjustment, set below
  const newMaxp = Buffer.from(maxp);
  if (newMaxp.length >= 32) newMaxp.writeUInt16BE(0, 26); // maxSizeOfInstructions

  const out: Table[] = tables
    .filter((t) => !DROPPED.has(t.tag))
    .map((t) => {
      if (t.tag === 'head') return { tag: t.tag, data: newHead };
      if (t.tag === 'maxp') return { tag: t.tag, data: newMaxp };
      if (t.tag === 'loca') return { tag: t.tag, data: newLoca };
      if (t.tag === 'glyf') return { tag: t.tag, data: Buffer.concat(glyphs) };
      return t;
    })
    .sort((a, b) => (a.tag < b.tag ? -1 : a.tag > b.tag ? 1 : 0));

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
  const result = Buffer.concat([header, ...bodies]);
  result.writeUInt32BE((0xb1b0afba - checksum(result)) >>> 0, headOffset + 8);
  return result;
}
