import { z } from 'zod';
import { localPathSchema } from '../localPath';
import { assembledDocumentSchema, pdfaLevelSchema } from '../assembly';
import { compressionProfileSchema } from '../compressionProfiles';
import { importedDocumentSchema } from '../importing';
import { ulidSchema } from '../schemas';
import { idempotencyKey, method } from './method';

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
} as const;
