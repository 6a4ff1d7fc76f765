import { describe, expect, it } from 'vitest';
import { textLayerOps } from '../../../electron/core/pdf/textLayer';
import type { OcrWord } from '../../../electron/core/imaging/tesseract';

const word = (text: string, left: number, width: number, line = 'l1'): OcrWord => ({ text, left, top: 100, width, height: 50, line, conf: 90 });

describe('OCR text layer operators', () => {
  it('writes whole-number stretches and x positions exactly (110 stays 110, not 11)', () => {
    // 72 dpi: pixels are points. Size 50; the glyphless font is 500/1000 wide → 25 pt per character.
    // "ab " at 110 %: 3 chars × 25 × 1.1 = 82.5 pt = word width + a quarter-em space (12.5) → width 70.
    const ops = textLayerOps([word('ab', 100, 70), word('cd', 200, 50 * 0.5 * 2 * 1.2)], 72, 800, new Set());
    const lines = ops.split('\n').filter((l) => l.endsWith('Tj'));
    expect(lines[0]).toMatch(/^110 Tz 100 650 Td \(/);
    // Last word of the line: no trailing space; 120 %; dx 100 from the previous word, same baseline.
    expect(lines[1]).toMatch(/^120 Tz 100 0 Td \(/);
  });

  it('keeps each line on its own baseline and the words of a line in order', () => {
    const ops = textLayerOps([word('một', 10, 60, 'a'), word('hai', 90, 60, 'a'), { ...word('ba', 10, 40, 'b'), top: 200 }], 72, 800, new Set());
    const moves = ops
      .split('\n')
      .filter((l) => l.includes(' Td '))
      .map((l) => /(-?[\d.]+) (-?[\d.]+) Td/.exec(l)!.slice(1).map(Number));
    expect(moves).toEqual([
      [10, 650],
      [80, 0],
      [-80, -100],
    ]);
  });
});
