/** Moves the item at `from` to index `to` (clamped); returns a new array. */
export function moveItem<T>(items: readonly T[], from: number, to: number): T[] {
  const out = [...items];
  if (from < 0 || from >= out.length) return out;
  const target = Math.max(0, Math.min(out.length - 1, to));
  const [item] = out.splice(from, 1);
  out.splice(target, 0, item as T);
  return out;
}

/** The next rotation clockwise (or counter-clockwise) in 90° steps. */
export function rotateBy(rotation: number, clockwise = true): 0 | 90 | 180 | 270 {
  return ((((rotation + (clockwise ? 90 : -90)) % 360) + 360) % 360) as 0 | 90 | 180 | 270;
}

/** The page viewer's zoom levels, percent of the scanned pixels (100 % = one image pixel per screen pixel). */
export const ZOOM_STEPS = [25, 50, 75, 100, 150, 200] as const;
export function zoomStep(current: number, dir: 1 | -1): number {
  const i = ZOOM_STEPS.findIndex((z) => z >= current);
  const idx = Math.max(0, Math.min(ZOOM_STEPS.length - 1, (i < 0 ? ZOOM_STEPS.length - 1 : i) + dir));
  return ZOOM_STEPS[idx]!;
}

/** Screen size of a page at `zoomPercent`, after its rotation (a quarter turn swaps width and height). */
export function zoomedSize(page: { width: number; height: number; rotation: number }, zoomPercent: number): { width: number; height: number } {
  const turned = page.rotation % 180 !== 0;
  const w = turned ? page.height : page.width;
  const h = turned ? page.width : page.height;
  return { width: Math.round((w * zoomPercent) / 100), height: Math.round((h * zoomPercent) / 100) };
}
