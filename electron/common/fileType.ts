/**
 * The station's one magic-number sniffer: a file's real type from its first bytes, never from its name (a
 * citizen's "scan.pdf" may be a JPEG, a stored page blob has no name at all). Importing, image decoding,
 * the page-image route and the PNM reader all ask here, so they cannot disagree about what a file is.
 * Pure (bytes in, a name out): it runs in every runtime.
 */
export type FileType = 'pdf' | 'jpeg' | 'png' | 'tiff' | 'pnm';

export const FILE_MEDIA_TYPES: Readonly<Record<FileType, string>> = {
  pdf: 'application/pdf',
  jpeg: 'image/jpeg',
  png: 'image/png',
  tiff: 'image/tiff',
  pnm: 'image/x-portable-anymap',
};

/** How far into a file `%PDF-` may start: PDF readers accept up to 1 KB of junk before the header. */
export const PDF_HEADER_SEARCH_BYTES = 1024;

function startsWith(buf: Uint8Array, sig: readonly number[], at = 0): boolean {
  if (buf.length < at + sig.length) return false;
  for (let i = 0; i < sig.length; i++) if (buf[at + i] !== sig[i]) return false;
  return true;
}

// PNG spec §5.2: all eight bytes (the CR-LF / LF pair catches a file mangled by a text-mode transfer).
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
// JPEG: SOI followed by the first marker's 0xFF.
const JPEG_SIGNATURE = [0xff, 0xd8, 0xff];
const PDF_SIGNATURE = [0x25, 0x50, 0x44, 0x46, 0x2d]; // %PDF-

export function isPng(buf: Uint8Array): boolean {
  return startsWith(buf, PNG_SIGNATURE);
}

export function isJpeg(buf: Uint8Array): boolean {
  return startsWith(buf, JPEG_SIGNATURE);
}

/** Classic TIFF: byte order (II little-endian / MM big-endian), 42, and the 4-byte first-IFD offset (8 bytes in all). */
export function isTiff(buf: Uint8Array): boolean {
  return buf.length >= 8 && (startsWith(buf, [0x49, 0x49, 42, 0]) || startsWith(buf, [0x4d, 0x4d, 0, 42]));
}

/** BigTIFF: byte order, 43, offset size 8, a zero word, and the 8-byte first-IFD offset (16 bytes in all). */
export function isBigTiff(buf: Uint8Array): boolean {
  return buf.length >= 16 && (startsWith(buf, [0x49, 0x49, 43, 0, 8, 0, 0, 0]) || startsWith(buf, [0x4d, 0x4d, 0, 43, 0, 8, 0, 0]));
}

const isPnmSeparator = (c: number | undefined): boolean => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d || c === 0x0b || c === 0x0c || c === 0x23;

/**
 * A binary PNM as SANE writes it (P4 bitmap, P5 graymap, P6 pixmap): the magic must be followed by
 * whitespace or a comment, as netpbm requires, so a text file that happens to start "P5" is not one.
 */
export function isPnm(buf: Uint8Array): boolean {
  return buf.length >= 3 && buf[0] === 0x50 && (buf[1] === 0x34 || buf[1] === 0x35 || buf[1] === 0x36) && isPnmSeparator(buf[2]);
}

/** `%PDF-` within the first KB. */
export function isPdf(buf: Uint8Array): boolean {
  const end = Math.min(buf.length, PDF_HEADER_SEARCH_BYTES) - PDF_SIGNATURE.length;
  for (let i = 0; i <= end; i++) if (startsWith(buf, PDF_SIGNATURE, i)) return true;
  return false;
}

/**
 * The type of a file from its head (the first KB is enough for every type), or undefined when it is none
 * the station reads. Image signatures are tested first: they sit at offset 0, while `%PDF-` may be found
 * anywhere in the first KB.
 */
export function sniffFileType(head: Uint8Array): FileType | undefined {
  if (isPnm(head)) return 'pnm';
  if (isPng(head)) return 'png';
  if (isJpeg(head)) return 'jpeg';
  if (isTiff(head) || isBigTiff(head)) return 'tiff';
  if (isPdf(head)) return 'pdf';
  return undefined;
}
