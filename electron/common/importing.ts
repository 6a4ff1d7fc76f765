import { z } from 'zod';
import { sha256Hex, ulidSchema } from './schemas';
import type { FileType } from './fileType';

/** What `documents.import` answers: the stored document and what had to be done to the file. */
export const importKindSchema = z.enum(['pdf', 'jpeg', 'png', 'tiff']);
export type ImportKind = z.infer<typeof importKindSchema>;

/** The sniffed types a citizen's file may be imported as (a raw PNM is a scanner's spool format, not a document). */
export function importKindOf(type: FileType | undefined): ImportKind | undefined {
  const parsed = importKindSchema.safeParse(type);
  return parsed.success ? parsed.data : undefined;
}

export const importedDocumentSchema = z.object({
  documentId: ulidSchema,
  componentId: ulidSchema,
  dossierId: z.string(),
  /** The normalised PDF/A-1b bytes (what is signed and sent). */
  sha256: sha256Hex,
  size: z.number().int(),
  /** The citizen's file exactly as brought (kept as evidence). */
  originalSha256: sha256Hex,
  originalSize: z.number().int(),
  kind: importKindSchema,
  /** The sanitised file name stored with the document. */
  fileName: z.string(),
  fileNameChanged: z.boolean(),
  pdfaLevel: z.literal('1b'),
  pageCount: z.number().int(),
  /** e.g. "damaged cross-reference table rebuilt", "resolution assumed: 200 dpi". */
  warnings: z.array(z.string()),
  createdAt: z.string(),
});
export type ImportedDocument = z.infer<typeof importedDocumentSchema>;

/** Limits applied to citizens' files (also in docs/import.md). */
export const IMPORT_LIMITS = {
  /** Bytes of one file (a PDF is read by qpdf/Ghostscript in their own processes). */
  maxFileBytes: 300 * 1024 * 1024,
  /** Bytes of one image file (decoded in the station process: file + one decoded page in memory). */
  maxImageFileBytes: 100 * 1024 * 1024,
  /** Pages of one PDF. */
  maxPdfPages: 2000,
  /** Pixels of one image page (A3 at 600 dpi ≈ 70 Mpx; 216 MB decoded as RGB). */
  maxImagePixels: 72_000_000,
  /** Pages of one multi-page TIFF. */
  maxImagePages: 500,
} as const;
