import { z } from 'zod';
import { localPathSchema } from '../localPath';
import { assembledDocumentSchema, pdfaLevelSchema } from '../assembly';
import { compressionProfileSchema } from '../compressionProfiles';
import { importedDocumentSchema } from '../importing';
import { ulidSchema } from '../schemas';
import { idempotencyKey, method } from './method';

/** Background OCR of an assembled document (the invisible text layer, searchable text). */
export const ocrStatusSchema = z.object({
  documentId: z.string(),
  componentId: z.string(),
  dossierId: z.string(),
  /** none: OCR is off or was never asked for this document. */
  state: z.enum(['none', 'queued', 'running', 'done', 'failed', 'superseded']),
  pagesDone: z.number().int(),
  pagesTotal: z.number().int(),
  errorCode: z.string().nullable(),
});
export type OcrStatus = z.infer<typeof ocrStatusSchema>;

/** Tesseract language names (vie, vie+eng); null turns background OCR off. */
export const ocrLangSchema = z.string().regex(/^[a-z_]{3,12}(\+[a-z_]{3,12}){0,3}$/).nullable();

/** documents.* methods: grown by the documents issue. */
export const documentsMethods = {
  /** Assembles a component's scanned pages (in order, confirmed-blank pages left out) into a PDF/A document. */
  'documents.assemble': method({
    params: z
      .object({
        componentId: ulidSchema,
        profile: compressionProfileSchema.default('color-auto'),
        level: pdfaLevelSchema.default('1b'),
        idempotencyKey,
      })
      .strict(),
    result: assembledDocumentSchema,
    mutating: true,
  }),
  /** Imports a citizen's PDF/JPEG/PNG/TIFF (a file on the station PC) as a component's PDF/A-1b document. */
  'documents.import': method({
    params: z
      .object({
        componentId: ulidSchema,
        path: localPathSchema,
        fileName: z.string().min(1).max(1000).optional(),
        idempotencyKey,
      })
      .strict(),
    result: importedDocumentSchema,
    mutating: true,
  }),
  /** Where the document's background OCR stands (the counter shows it; signing waits for a queued or running job). */
  'documents.ocrStatus': method({ params: z.object({ documentId: ulidSchema }).strict(), result: ocrStatusSchema, mutating: false }),
  /** Background OCR after assembly: its language, or null for off (an admin's setting). */
  'documents.getOcr': method({ params: z.object({}).strict(), result: z.object({ lang: ocrLangSchema }), mutating: false }),
  'documents.setOcr': method({
    params: z.object({ lang: ocrLangSchema, idempotencyKey }).strict(),
    result: z.object({ lang: ocrLangSchema }),
    mutating: true,
    roles: ['admin'],
  }),
} as const;
