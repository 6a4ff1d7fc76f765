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
} as const;
