import { z } from 'zod';
import {
  dossierPurposeSchema,
  dossierSchema,
  dossierStateSchema,
  dossierSummarySchema,
  draftIdSchema,
  ownerIdTypeSchema,
  ownerKindSchema,
  procedureCode,
} from '../schemas';
import { idempotencyKey, method } from './method';

export const dossierMethods = {
  'dossiers.create': method({
    params: z
      .object({
        procedureCode,
        ownerId: z.string().min(1).max(20),
        ownerIdType: ownerIdTypeSchema.optional(),
        ownerName: z.string().max(300).default(''),
        ownerKind: ownerKindSchema.optional(),
        purpose: dossierPurposeSchema.default('intake'),
        summary: z.string().max(1000).optional(),
        idempotencyKey,
      })
      .strict(),
    result: dossierSchema,
    mutating: true,
  }),
  'dossiers.list': method({
    params: z
      .object({
        state: dossierStateSchema.optional(),
        purpose: dossierPurposeSchema.optional(),
        limit: z.number().int().min(1).max(1000).default(100),
        before: z.string().optional(),
      })
      .strict(),
    result: z.array(dossierSummarySchema),
    mutating: false,
  }),
  'dossiers.get': method({ params: z.object({ id: draftIdSchema }).strict(), result: dossierSchema, mutating: false }),
} as const;
