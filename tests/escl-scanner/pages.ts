// Page images of the virtual eSCL scanner: generated sheets (a colour per sheet and side, the number drawn on it)
// or real page images from a folder, served in file-name order.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import sharp, { type Sharp } from 'sharp';

export type Side = 'front' | 'back';

/** What a page request asks for: pixel size (from the scan region and dpi), colour mode and format. */
export interface PageRequest {
  width: number;
  height: number;
  dpi: number;
  gray: boolean;
  format: 'image/jpeg' | 'image/png';
}

/**
 * The flat colour of generated sheet `sheet` (1-based), side `side`: distinct per sheet and side, far enough
 * apart that JPEG and a grey conversion keep them apart. Tests identify a page by it (`identifyColour`).
 */
export function pageColour(sheet: number, side: Side): [number, number, number] {
  const r = 30 + ((sheet * 37) % 190);
  const b = 30 + ((sheet * 71) % 190);
  return [r, side === 'front' ? 215 : 75, b];
}

/** The (sheet, side) among `sheets` whose colour is nearest to `rgb`, and how far it was. */
export function identifyColour(rgb: readonly number[], sheets: number): { sheet: number; side: Side; distance: number } {
  let best = { sheet: 0, side: 'front' as Side, distance: Infinity };
  for (let s = 1; s <= sheets; s++) {
    for (const side of ['front', 'back'] as const) {
      const c = pageColour(s, side);
      const d = Math.hypot(c[0] - rgb[0]!, c[1] - rgb[1]!, c[2] - rgb[2]!);
      if (d < best.distance) best = { sheet: s, side, distance: d };
    }
  }
  return best;
}

/** Mean colour of the top-left 5 % of an image (left clear of the drawn number). */
export async function cornerColour(image: Buffer | string): Promise<number[]> {
  const img = sharp(image);
  const { width = 1, height = 1 } = await img.metadata();
  const w = Math.max(1, Math.floor(width * 0.05));
  const h = Math.max(1, Math.floor(height * 0.05));
  const { data, info } = await sharp(image).extract({ left: 2, top: 2, width: w, height: h }).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const sums = new Array<number>(info.channels).fill(0);
  for (let i = 0; i < data.length; i++) sums[i % info.channels]! += data[i]!;
  const n = data.length / info.channels;
  const mean = sums.map((s) => s / n);
  return mean.length === 1 ? [mean[0]!, mean[0]!, mean[0]!] : mean;
}

async function encode(img: Sharp, req: PageRequest): Promise<Buffer> {
  let out = img.withMetadata({ density: req.dpi });
  if (req.gray) out = out.grayscale();
  return req.format === 'image/png' ? out.png({ compressionLevel: 1 }).toBuffer() : out.jpeg({ quality: 90 }).toBuffer();
}

/** A generated page: flat colour, "TỜ n · mặt trước|sau" in large type. */
export async function generatedPage(sheet: number, side: Side, req: PageRequest): Promise<Buffer> {
  const [r, g, b] = pageColour(sheet, side);
  const size = Math.round(req.width / 8);
  const svg = Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${req.width}" height="${req.height}">` +
      `<text x="50%" y="50%" font-family="DejaVu Sans" font-size="${size}" text-anchor="middle" fill="#000">${sheet}</text>` +
      `<text x="50%" y="62%" font-family="DejaVu Sans" font-size="${Math.round(size / 3)}" text-anchor="middle" fill="#000">${side === 'front' ? 'mặt trước' : 'mặt sau'}</text>` +
      `</svg>`,
  );
  const img = sharp({ create: { width: req.width, height: req.height, channels: 3, background: { r, g, b } } }).composite([{ input: svg }]);
  return encode(img, req);
}

/** A flatbed (platen) page: white with "MẶT KÍNH". */
export function platenPage(req: PageRequest): Promise<Buffer> {
  const svg = Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${req.width}" height="${req.height}">` +
      `<text x="50%" y="50%" font-family="DejaVu Sans" font-size="${Math.round(req.width / 12)}" text-anchor="middle">MẶT KÍNH</text></svg>`,
  );
  return encode(sharp({ create: { width: req.width, height: req.height, channels: 3, background: '#ffffff' } }).composite([{ input: svg }]), req);
}

/** A page image from a folder, scaled into the requested window (white margins keep its proportions). */
export function filePage(file: string, req: PageRequest): Promise<Buffer> {
  return encode(sharp(file).rotate().resize(req.width, req.height, { fit: 'contain', background: '#ffffff' }).flatten({ background: '#ffffff' }), req);
}

/** The images of a folder in name order (natural: page2 before page10). */
export function folderImages(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => /\.(png|jpe?g|tiff?|webp|pnm|ppm|pgm)$/i.test(f))
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))
    .map((f) => join(dir, f));
}
