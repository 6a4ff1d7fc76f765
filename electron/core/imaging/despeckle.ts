/**
 * Removes isolated scanner specks from a 1-bit page before it is coded: a black pixel with no black pixel among
 * its 8 neighbours. Dust and sensor noise leave such single dots on bitonal scans, and each costs an
 * arithmetic/G4 coder dozens of bits; nothing a reader needs is a lone pixel at ≥ 200 dpi (the dot of i or of
 * the Vietnamese dấu nặng, a full stop, are ≥ 2×2 px at 200 dpi and are kept). Works in place on one byte per
 * pixel (1 = black); returns the number of pixels cleared.
 */
export function removeIsolatedSpecks(ink: Uint8Array, width: number, height: number): number {
  let cleared = 0;
  for (let y = 0; y < height; y++) {
    const row = y * width;
    const up = y > 0 ? row - width : -1;
    const down = y + 1 < height ? row + width : -1;
    for (let x = 0; x < width; x++) {
      if (ink[row + x] !== 1) continue;
      const l = x > 0 ? x - 1 : x;
      const r = x + 1 < width ? x + 1 : x;
      let n = 0;
      // The pixel itself is counted once in its own row (l..r spans it).
      for (let xx = l; xx <= r; xx++) {
        n += ink[row + xx]!;
        if (up >= 0) n += ink[up + xx]!;
        if (down >= 0) n += ink[down + xx]!;
      }
      // A lone pixel has no black neighbour, so clearing it cannot isolate another one: one pass suffices.
      if (n === 1) {
        ink[row + x] = 0;
        cleared++;
      }
    }
  }
  return cleared;
}
