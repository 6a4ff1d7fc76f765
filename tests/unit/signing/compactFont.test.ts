import { readFileSync } from 'node:fs';
import fontkit from '@pdf-lib/fontkit';
import { describe, expect, it } from 'vitest';
import { DEFAULT_FONT_FILE } from '../../../electron/core/signing/appearance';
import { compactTrueType, unitsPerEmFor } from '../../../electron/core/signing/compactFont';

const original = fontkit.create(readFileSync(DEFAULT_FONT_FILE));

async function subsetOf(text: string): Promise<{ program: Buffer; glyphs: fontkit.Glyph[] }> {
  const subset = original.createSubset();
  const glyphs: fontkit.Glyph[] = [];
  for (const ch of new Set(text)) {
    const g = original.glyphForCodePoint(ch.codePointAt(0)!);
    subset.includeGlyph(g);
    glyphs.push(g);
  }
  const parts: Buffer[] = [];
  const stream = subset.encodeStream();
  await new Promise<void>((resolve) => {
    stream.on('data', (d: Uint8Array) => parts.push(Buffer.from(d)));
    stream.on('end', () => resolve());
  });
  return { program: Buffer.concat(parts), glyphs };
}

/** Glyph id for `code` through the font's one (3,0) format-4 cmap subtable (fontkit reads no Symbol cmaps). */
function symbolLookup(font: Buffer, code: number): number {
  const count = font.readUInt16BE(4);
  let cmap = -1;
  for (let i = 0; i < count; i++) if (font.toString('latin1', 12 + i * 16, 16 + i * 16) === 'cmap') cmap = font.readUInt32BE(12 + i * 16 + 8);
  expect(font.readUInt16BE(cmap + 2)).toBe(1); // exactly one encoding (PDF/A-1 6.3.7)
  expect([font.readUInt16BE(cmap + 4), font.readUInt16BE(cmap + 6)]).toEqual([3, 0]);
  const sub = cmap + font.readUInt32BE(cmap + 8);
  expect(font.readUInt16BE(sub)).toBe(4);
  const segs = font.readUInt16BE(sub + 6) / 2;
  const ends = sub + 14;
  const starts = ends + segs * 2 + 2;
  const deltas = starts + segs * 2;
  for (let i = 0; i < segs; i++) {
    if (code <= font.readUInt16BE(ends + i * 2) && code >= font.readUInt16BE(starts + i * 2)) return (code + font.readUInt16BE(deltas + i * 2)) & 0xffff;
  }
  return 0;
}

/** Every on/off-curve point of a glyph's outline, in em units, composites resolved (fontkit's path). */
function points(g: fontkit.Glyph, upem: number): number[][] {
  const path = g.path as unknown as { commands: { args: number[] }[] };
  return path.commands.map((c) => c.args.map((v) => v / upem));
}

function tableTags(font: Buffer): string[] {
  return Array.from({ length: font.readUInt16BE(4) }, (_, i) => font.toString('latin1', 12 + i * 16, 16 + i * 16));
}

describe('compact TrueType for signature marks', () => {
  it('keeps every glyph (composites included) within half a unit of the original outline, its advance, and maps 0xF000 + code to it', async () => {
    // ờ and ễ are composites in Liberation Serif (base + marks): their offsets must scale with the outlines.
    const text = 'Người sao: Nguyễn Văn Clerk 2026-11-25T09:30:00+07:00';
    const { program, glyphs } = await subsetOf(text);
    const compact = compactTrueType(program, { unitsPerEm: 128, symbolCmap: { codeOffset: 0x20 } });
    const parsed = fontkit.create(compact.program) as fontkit.Font;
    expect(parsed.unitsPerEm).toBe(128);
    expect(tableTags(compact.program).sort()).toEqual(['cmap', 'glyf', 'head', 'hhea', 'hmtx', 'loca', 'maxp']);
    const half = 0.5 / 128 + 1e-9;
    glyphs.forEach((g, i) => {
      const gid = i + 1; // subset ids follow inclusion order; 0 is .notdef
      const mine = parsed.getGlyph(gid);
      // The symbol cmap: code gid + 0x20, read as 0xF000 + code.
      expect(symbolLookup(compact.program, 0xf000 + gid + 0x20)).toBe(gid);
      const a = points(g, original.unitsPerEm);
      const b = points(mine, 128);
      expect(b.length).toBe(a.length);
      a.forEach((args, k) => args.forEach((v, j) => expect(Math.abs(v - b[k]![j]!)).toBeLessThanOrEqual(2 * half)));
      expect(Math.abs(mine.advanceWidth / 128 - g.advanceWidth / original.unitsPerEm)).toBeLessThanOrEqual(half);
      expect(compact.advances[gid]).toBe(mine.advanceWidth);
    });
    // .notdef keeps its advance but draws nothing (a mark never shows it).
    expect(points(parsed.getGlyph(0), 128)).toEqual([]);
    expect(symbolLookup(compact.program, 0xf020)).toBe(0);
    expect(compact.program.length).toBeLessThan(program.length);
  });

  it('chooses the outline precision from the point size: one unit at most 0.08 pt, never finer than the font', () => {
    expect(unitsPerEmFor(10, 2048)).toBe(128);
    expect(unitsPerEmFor(12, 2048)).toBe(256);
    expect(unitsPerEmFor(72, 2048)).toBe(1024);
    expect(unitsPerEmFor(400, 2048)).toBe(2048);
    expect(unitsPerEmFor(10, 100)).toBe(100);
  });
});
