import { z } from 'zod';
import { compressionProfileSchema } from './compressionProfiles';
import { sha256Hex, ulidSchema } from './schemas';


export const pdfaLevelSchema = z.enum(['1b', '2b']);

/** What `documents.assemble` answers. */
export const assembledDocumentSchema = z.object({
  documentId: ulidSchema,
  componentId: ulidSchema,
  dossierId: z.string(),
  sha256: sha256Hex,
  size: z.number().int(),
  pageCount: z.number().int(),
  pdfaLevel: pdfaLevelSchema,
  profile: compressionProfileSchema,
  /** Pages left out because the clerk confirmed them blank. */
  skippedBlank: z.number().int(),
  /** Pages flagged as possibly blank and not yet confirmed: they ARE in the PDF (never dropped silently). */
  flaggedBlank: z.number().int(),
  /** Pages that break NĐ 30/2020 (below 200 dpi, not 100 % scale, not colour). */
  nonCompliantPages: z.number().int(),
  createdAt: z.string(),
});
export type AssembledDocument = z.infer<typeof assembledDocumentSchema>;
