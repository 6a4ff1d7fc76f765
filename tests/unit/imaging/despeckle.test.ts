import { describe, expect, it } from 'vitest';
import { removeIsolatedSpecks } from '../../../electron/core/imaging/despeckle';

function bitmap(rows: string[]): { ink: Uint8Array; width: number; height: number } {
  const width = rows[0]!.length;
  const ink = new Uint8Array(width * rows.length);
  rows.forEach((r, y) => [...r].forEach((c, x) => (ink[y * width + x] = c === '#' ? 1 : 0)));
  return { ink, width, height: rows.length };
}

describe('isolated scanner specks', () => {
  it('clears lone pixels (also at the borders) and keeps 2-pixel dots, diagonal pairs and strokes', () => {
    const b = bitmap([
      '#.......#', // corner specks
      '.........',
      '...#.....', // lone pixel
      '.......##', // horizontal pair at the edge
      '.##......', // 2x2 dot (dấu nặng at 200 dpi)
      '.##..#...',
      '......#..', // diagonal pair
      '.........',
      '#####....', // stroke
    ]);
    const cleared = removeIsolatedSpecks(b.ink, b.width, b.height);
    expect(cleared).toBe(3);
    const after = bitmap([
      '.........',
      '.........',
      '.........',
      '.......##',
      '.##......',
      '.##..#...',
      '......#..',
      '.........',
      '#####....',
    ]);
    expect(Buffer.from(b.ink).equals(Buffer.from(after.ink))).toBe(true);
  });
});
