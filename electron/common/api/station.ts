import { z } from 'zod';
import { stationInfoSchema } from '../schemas';
import { method, noParams } from './method';

export const stationMethods = {
  'station.info': method({ params: noParams, result: stationInfoSchema, mutating: false }),
  'procedures.list': method({
    params: z.object({ query: z.string().max(200).optional() }).strict(),
    result: z.array(
      z.object({
        code: z.string(),
        name: z.string(),
        level: z.string(),
        components: z.array(z.object({ typeCode: z.string(), name: z.string(), kind: z.enum(['intake', 'result']), required: z.boolean() })),
      }),
    ),
    mutating: false,
  }),
  /** The access log of a period for an inspector, with the chain check (admin only; itself logged). */
  'audit.export': method({
    params: z.object({ from: z.string().regex(/^\d{4}-\d{2}-\d{2}$/), to: z.string().regex(/^\d{4}-\d{2}-\d{2}$/) }).strict(),
    result: z.object({
      from: z.string(),
      to: z.string(),
      check: z.object({ brokenAt: z.number().int().nullable(), rows: z.number().int(), macFrom: z.number().int().nullable(), head: z.string(), truncatedAt: z.number().int().nullable(), anchoredSeq: z.number().int().nullable() }),
      rows: z.array(
        z.object({
          seq: z.number().int(),
          at: z.string(),
          actor: z.string().nullable(),
          action: z.string(),
          subject_type: z.string().nullable(),
          subject_id: z.string().nullable(),
          details_json: z.string(),
          prev_hash: z.string(),
          hash: z.string(),
        }),
      ),
    }),
    mutating: false,
    roles: ['admin'],
  }),
} as const;
