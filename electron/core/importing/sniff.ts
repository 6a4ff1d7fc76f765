export type ImportKind = 'pdf' | 'jpeg' | 'png' | 'tiff';

/**
 * The file's real type from its first bytes (never from its name: a citizen's "scan.pdf" may be a JPEG).
 * `%PDF-` may follow up to 1 KB of junk, as PDF readers allow.
 */
export function sniffKind(head: Buffer): ImportKind | undefined {
  if (head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'jpeg';
  if (head.length >= 8 && head.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'png';
  if (head.length >= 4 && (head.subarray(0, 4).equals(Buffer.from('II*\0', 'latin1')) || head.subarray(0, 4).equals(Buffer.from('MM\0*', 'latin1')))) return 'tiff';
  if (head.subarray(0, 1024).includes(Buffer.from('%PDF-', 'latin1'))) return 'pdf';
  return undefined;
}

export const MEDIA_TYPES: Record<ImportKind, string> = {
  pdf: 'application/pdf',
  jpeg: 'image/jpeg',
  png: 'image/png',
  tiff: 'image/tiff',
};
