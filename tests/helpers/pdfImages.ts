import { inflateSync } from 'node:zlib';
import { PDFArray, PDFBool, PDFDocument, PDFName, PDFNumber, PDFRawStream, type PDFDict, type PDFObject } from 'pdf-lib';

/**
 * Structural check of every image XObject of a PDF, as a renderer will meet it: the colour space, component
 * count, bits per component and size the dictionary declares must be what the stream holds (a JPEG's SOF, a
 * Flate stream's length, CCITT's columns/rows). PDFBox Preflight does not decode images: a 3-component JPEG
 * declared /DeviceGray passed it and rendered as interleaved double text in poppler and Ghostscript.
 */
export interface ImageXObjectReport {
  ref: string;
  filter: string;
  width: number;
  height: number;
  /** Components the dictionary implies (1 for an image mask). */
  declaredComponents: number;
  bitsPerComponent: number;
  /** What the stream itself says (JPEG SOF), when it says anything. */
  streamComponents?: number;
  streamBits?: number;
  streamWidth?: number;
  streamHeight?: number;
  problems: string[];
}

/** The SOF header of a JPEG stream: components, precision, size. */
export function jpegFrame(data: Uint8Array): { components: number; bits: number; width: number; height: number } | null {
  if (data[0] !== 0xff || data[1] !== 0xd8) return null;
  let i = 2;
  while (i + 4 <= data.length) {
    if (data[i] !== 0xff) return null;
    const marker = data[i + 1]!;
    if (marker === 0xff) {
      i++; // fill byte
      continue;
    }
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      i += 2;
      continue;
    }
    const len = (data[i + 2]! << 8) | data[i + 3]!;
    // SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC)
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return { bits: data[i + 4]!, height: (data[i + 5]! << 8) | data[i + 6]!, width: (data[i + 7]! << 8) | data[i + 8]!, components: data[i + 9]! };
    }
    if (marker === 0xda) return null; // scan data before any frame header
    i += 2 + len;
  }
  return null;
}

/** Width and height from the first page information segment (type 48) of an embedded JBIG2 stream, if it leads. */
export function jbig2PageSize(data: Uint8Array): { width: number; height: number } | null {
  // Segment header: number (4), flags (1: type in the low 6 bits), referred-to count (1 for ≤ 4 refs),
  // page association (1), data length (4); page information data starts with width (4) and height (4).
  if (data.length < 19 || (data[4]! & 0x3f) !== 48) return null;
  const refs = data[5]! >> 5;
  if (refs > 4) return null;
  const at = 6 + refs + 1 + 4;
  const u32 = (o: number): number => ((data[o]! << 24) | (data[o + 1]! << 16) | (data[o + 2]! << 8) | data[o + 3]!) >>> 0;
  return { width: u32(at), height: u32(at + 4) };
}

function num(dict: PDFDict, key: string): number | undefined {
  const v = dict.lookup(PDFName.of(key));
  return v instanceof PDFNumber ? v.asNumber() : undefined;
}

function nameOf(o: PDFObject | undefined): string | undefined {
  return o instanceof PDFName ? o.decodeText() : undefined;
}

/** Components of a colour space object: /DeviceGray, /DeviceRGB, /DeviceCMYK, [/ICCBased s], [/Indexed base hival lookup]. */
function componentsOf(doc: PDFDocument, cs: PDFObject | undefined): number | undefined {
  const n = nameOf(cs);
  if (n === 'DeviceGray' || n === 'CalGray') return 1;
  if (n === 'DeviceRGB' || n === 'CalRGB' || n === 'Lab') return 3;
  if (n === 'DeviceCMYK') return 4;
  if (cs instanceof PDFArray) {
    const kind = nameOf(cs.get(0));
    if (kind === 'Indexed') return 1;
    if (kind === 'ICCBased') {
      const s = doc.context.lookup(cs.get(1));
      if (s instanceof PDFRawStream) return num(s.dict, 'N');
    }
    if (kind === 'CalGray') return 1;
    if (kind === 'CalRGB' || kind === 'Lab') return 3;
  }
  return undefined;
}

export async function checkImageXObjects(pdf: Uint8Array): Promise<ImageXObjectReport[]> {
  const doc = await PDFDocument.load(pdf, { updateMetadata: false });
  const out: ImageXObjectReport[] = [];
  for (const [ref, obj] of doc.context.enumerateIndirectObjects()) {
    if (!(obj instanceof PDFRawStream) || nameOf(obj.dict.get(PDFName.of('Subtype'))) !== 'Image') continue;
    const d = obj.dict;
    const filterObj = d.lookup(PDFName.of('Filter'));
    const filter = filterObj instanceof PDFArray ? filterObj.asArray().map(nameOf).join('+') : (nameOf(filterObj) ?? 'none');
    const width = num(d, 'Width') ?? 0;
    const height = num(d, 'Height') ?? 0;
    const mask = d.lookup(PDFName.of('ImageMask'));
    const isMask = mask instanceof PDFBool && mask.asBoolean();
    const bits = num(d, 'BitsPerComponent') ?? (isMask ? 1 : 0);
    const declared = isMask ? 1 : componentsOf(doc, d.lookup(PDFName.of('ColorSpace')));
    const r: ImageXObjectReport = { ref: ref.toString(), filter, width, height, declaredComponents: declared ?? 0, bitsPerComponent: bits, problems: [] };
    if (declared === undefined) r.problems.push('colour space missing or unknown');
    if (isMask && bits !== 1) r.problems.push(`image mask with ${bits} bits per component`);
    if (width < 1 || height < 1) r.problems.push(`size ${width}×${height}`);
    if (filter === 'DCTDecode') {
      const f = jpegFrame(obj.contents);
      if (!f) r.problems.push('DCTDecode stream has no JPEG frame header');
      else {
        Object.assign(r, { streamComponents: f.components, streamBits: f.bits, streamWidth: f.width, streamHeight: f.height });
        if (f.components !== declared) r.problems.push(`JPEG has ${f.components} components, dictionary declares ${declared}`);
        if (f.bits !== bits) r.problems.push(`JPEG has ${f.bits}-bit samples, dictionary declares ${bits}`);
        if (f.width !== width || f.height !== height) r.problems.push(`JPEG is ${f.width}×${f.height}, dictionary declares ${width}×${height}`);
      }
    } else if (filter === 'CCITTFaxDecode') {
      const parms = d.lookup(PDFName.of('DecodeParms'));
      const p = parms instanceof PDFArray ? parms.lookup(0) : parms;
      const pd = p as PDFDict | undefined;
      const columns = pd ? num(pd, 'Columns') : undefined;
      const rows = pd ? num(pd, 'Rows') : undefined;
      if (bits !== 1) r.problems.push(`CCITT image with ${bits} bits per component`);
      if (declared !== 1) r.problems.push(`CCITT image with ${declared} components`);
      if ((columns ?? 1728) !== width) r.problems.push(`CCITT /Columns ${columns} ≠ /Width ${width}`);
      if (rows !== undefined && rows !== height) r.problems.push(`CCITT /Rows ${rows} ≠ /Height ${height}`);
    } else if (filter === 'JBIG2Decode') {
      // An embedded JBIG2 stream is 1 bit, 1 component; its page information segment (type 48) states the size.
      if (bits !== 1) r.problems.push(`JBIG2 image with ${bits} bits per component`);
      if (declared !== 1) r.problems.push(`JBIG2 image with ${declared} components`);
      const page = jbig2PageSize(obj.contents);
      if (page && (page.width !== width || page.height !== height)) r.problems.push(`JBIG2 page is ${page.width}×${page.height}, dictionary declares ${width}×${height}`);
    } else if (filter === 'FlateDecode' || filter === 'none') {
      const raw = filter === 'none' ? Buffer.from(obj.contents) : inflateSync(obj.contents);
      const want = Math.ceil((width * (declared ?? 0) * bits) / 8) * height;
      if (raw.length !== want) r.problems.push(`stream holds ${raw.length} bytes, ${width}×${height}×${declared}×${bits} bit needs ${want}`);
    } else r.problems.push(`filter ${filter} not checked`);
    out.push(r);
  }
  return out;
}
