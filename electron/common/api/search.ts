import { z } from 'zod';
import { dossierPurposeSchema, dossierSummarySchema } from '../schemas';
import { method } from './method';

/** A signed (or at least assembled) document of an earlier dossier of the same owner: offered for reuse. */
export const earlierDocumentSchema = z.object({
  dossierId: z.string(),
  serverCode: z.string().nullable(),
  procedureCode: z.string(),
  componentId: z.string(),
  componentName: z.string(),
  typeCode: z.string(),
  documentId: z.string(),
  documentState: z.string(),
  pageCount: z.number().int(),
  validFrom: z.string().nullable(),
  validTo: z.string().nullable(),
  resultCode: z.string().nullable(),
  createdAt: z.string(),
});
export type EarlierDocument = z.infer<typeof earlierDocumentSchema>;

/**
 * Finding the station's own dossiers (the counter's "Tìm hồ sơ"): by CCCD/owner id, owner name (diacritics
 * ignored), dossier code (MaHoSo), draft id, or words on its pages (the text the background OCR read; every
 * word of the query on the dossier's pages). Local only; the province's reuse look-up lives in sync.
 */
export const searchMethods = {
  'dossiers.search': method({
    params: z
      .object({
        query: z.string().min(1).max(200),
        purpose: dossierPurposeSchema.optional(),
        limit: z.number().int().min(1).max(200).default(20),
      })
      .strict(),
    result: z.array(dossierSummarySchema),
    mutating: false,
  }),
  /** The owner's documents in other dossiers of this station, newest first (not expired on `at`, default today). */
  'documents.earlier': method({
    params: z
      .object({
        ownerId: z.string().min(1).max(20),
        typeCode: z.string().min(1).max(64).optional(),
        excludeDossierId: z.string().optional(),
        at: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional(),
      })
      .strict(),
    result: z.array(earlierDocumentSchema),
    mutating: false,
  }),
} as const;
