/**
 * Lossless JBIG2 (ITU-T T.88) of a bitonal page as a PDF /JBIG2Decode stream: the embedded format (no file
 * header, no end-of-page/end-of-file segments, no global dictionary) holding a page information segment and
 * one immediate generic region — arithmetic coded, template 0 with its nominal adaptive pixels, typical
 * prediction (TPGDON) for rows equal to the row above. Pixel-exact: never symbol matching (a lossy
 * substitution can swap digits on legal documents). Allowed in PDF/A-1 and decoded by every PDF reader.
 */
import { MqEncoder } from './mqEncoder';

/** Context of the SLTP bit (T.88 6.2.5.7, template 0). */
const SLTP_CONTEXT_T0 = 0x9b25;
// Template 0's nominal adaptive pixels A1..A4 (T.88 6.2.5.4).
const AT_PIXELS = [3, -1, -3, -1, 2, -2, -2, -2];

function segmentHeader(number: number, type: number, dataLength: number): Buffer {
  const h = Buffer.alloc(11);
  h.writeUInt32BE(number, 0);
  h[4] = type; // page association in one byte, not deferred
  h[5] = 0; // no referred-to segments, no retention bits
  h[6] = 1; // page 1
  h.writeUInt32BE(dataLength, 7);
  return h;
}

/**
 * `pixels`: one byte per pixel, row by row, 1 = black (ink), 0 = white. Returns the stream to embed with
 * /Filter /JBIG2Decode, /ColorSpace /DeviceGray, /BitsPerComponent 1 (the filter turns JBIG2's 1 = black
 * into DeviceGray's 0 = black itself).
 */
export function jbig2GenericStream(pixels: Uint8Array, width: number, height: number, dpi = 0): Buffer {
  const enc = new MqEncoder(65536);
  // Rows padded by 4 pixels on the left and right so the template never reads outside; rows above the
  // image are white.
  const stride = width + 8;
  let r2 = new Uint8Array(stride);
  let r1 = new Uint8Array(stride);
  let r0 = new Uint8Array(stride);
  let ltp = 0;
  let prev: Uint8Array | null = null;
  for (let y = 0; y < height; y++) {
    const row = pixels.subarray(y * width, (y + 1) * width);
    const typical = prev ? Buffer.compare(row, prev) === 0 : row.every((p) => p === 0);
    const want = typical ? 1 : 0;
    enc.encode(SLTP_CONTEXT_T0, want ^ ltp);
    ltp = want;
    r0.fill(0);
    if (!typical) {
      // Windows over the rows: w2 = y−2 pixels x−2..x+2, w1 = y−1 pixels x−3..x+3, w0 = y pixels x−4..x−1
      // (T.88 Figure 3 with the nominal AT pixels; bit order as the decoders build CONTEXT).
      let w2 = (r2[4 - 2]! << 4) | (r2[4 - 1]! << 3) | (r2[4]! << 2) | (r2[5]! << 1) | r2[6]!;
      let w1 = (r1[1]! << 6) | (r1[2]! << 5) | (r1[3]! << 4) | (r1[4]! << 3) | (r1[5]! << 2) | (r1[6]! << 1) | r1[7]!;
      let w0 = 0;
      for (let x = 0; x < width; x++) {
        const bit = row[x]!;
        enc.encode(w0 | (w1 << 4) | (w2 << 11), bit);
        r0[x + 4] = bit;
        w0 = ((w0 << 1) | bit) & 0xf;
        w1 = ((w1 << 1) | r1[x + 8]!) & 0x7f;
        w2 = ((w2 << 1) | r2[x + 7]!) & 0x1f;
      }
    } else if (prev) r0.set(prev, 4);
    prev = row;
    const t = r2;
    r2 = r1;
    r1 = r0;
    r0 = t;
  }
  const coded = enc.finish();

  const ppm = Math.round((dpi * 10000) / 254); // pixels per metre: T.88 7.4.8.3 leaves 0 = unknown
  const page = Buffer.alloc(19);
  page.writeUInt32BE(width, 0);
  page.writeUInt32BE(height, 4);
  page.writeUInt32BE(ppm, 8);
  page.writeUInt32BE(ppm, 12);
  page[16] = 0x01; // eventually lossless, default pixel 0 (white), combination OR
  page.writeUInt16BE(0, 17); // not striped

  const region = Buffer.alloc(17 + 1 + 8);
  region.writeUInt32BE(width, 0);
  region.writeUInt32BE(height, 4);
  region.writeUInt32BE(0, 8); // x
  region.writeUInt32BE(0, 12); // y
  region[16] = 0; // external combination operator OR
  region[17] = 0x08; // MMR 0, GBTEMPLATE 0, TPGDON 1
  AT_PIXELS.forEach((v, i) => region.writeInt8(v, 18 + i));

  return Buffer.concat([
    segmentHeader(0, 48, page.length),
    page,
    segmentHeader(1, 38, region.length + coded.length), // immediate generic region
    region,
    coded,
  ]);
}
