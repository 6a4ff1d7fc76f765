import { z } from 'zod';
import { deviceSchema } from '../schemas';
import { method, noParams } from './method';

/** Scanner methods (devices.*, scan.*): grown by the capture issue. */
export const deviceMethods = {
  'devices.list': method({ params: noParams, result: z.array(deviceSchema), mutating: false }),
} as const;
