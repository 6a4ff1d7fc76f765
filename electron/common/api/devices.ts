import { z } from 'zod';
import { capabilitiesSchema, scanJobDetailSchema, scanJobSchema, scanProfileSchema, driverOptionValue } from '../capture';
import { deviceSchema } from '../schemas';
import { idempotencyKey, method, noParams } from './method';

export { scanEventSchemas, type ScanEventData, type ScanEventType } from '../capture';

/**
 * `profile` in scan.start: the name of a stored scan profile, a station profile object, or a request in the
 * scanner.js style (`{ twain_cap_setting: {…}, output_settings: […] }`) which the station converts.
 */
export const profileRefSchema = z.union([z.string().min(1).max(80), z.record(z.string(), z.unknown())]);

/** Scanner methods (devices.*, scan.*). Events: see scanEventSchemas (scan.page, scan.progress, scan.fault, scan.end…). */
export const deviceMethods = {
  'devices.list': method({ params: z.object({ refresh: z.boolean().optional() }).strict(), result: z.array(deviceSchema), mutating: false }),
  /**
   * Adds a network (eSCL) scanner by its URL (`http://192.168.1.50/eSCL`), kept in the settings and found again
   * by its UUID. HTTPS: the first call fails with SCANNER_CERT_NOT_TRUSTED and the certificate's fingerprint;
   * an admin repeats it with `trustFingerprint` to pin that certificate.
   */
  'devices.addEscl': method({
    params: z.object({ url: z.string().min(8).max(500), trustFingerprint: z.string().max(200).optional(), idempotencyKey }).strict(),
    result: deviceSchema,
    mutating: true,
    roles: ['admin'],
  }),
  'devices.capabilities': method({ params: z.object({ deviceId: z.string().min(1).max(300) }).strict(), result: capabilitiesSchema, mutating: false }),
  'scan.profiles': method({
    params: noParams,
    result: z.array(scanProfileSchema.extend({ compliant: z.boolean() })),
    mutating: false,
  }),
  /** Resolves (and for scanner.js requests converts) a profile without scanning; checks it against a device when given. */
  'scan.resolveProfile': method({
    params: z.object({ profile: profileRefSchema, deviceId: z.string().min(1).max(300).optional() }).strict(),
    result: z.object({ profile: scanProfileSchema, compliant: z.boolean(), unsupported: z.array(z.string()) }),
    mutating: false,
  }),
  'scan.start': method({
    params: z
      .object({
        deviceId: z.string().min(1).max(300),
        profile: profileRefSchema,
        componentId: z.string().min(1).max(64),
        /** Kill a driver that stays silent this long (default 60 s, env SOHOA_SCAN_WATCHDOG_MS). */
        watchdogMs: z.number().int().min(200).max(600_000).optional(),
        idempotencyKey,
      })
      .strict(),
    result: scanJobSchema,
    mutating: true,
    roles: ['clerk', 'records_clerk', 'admin'],
  }),
  /** Scans the next load (after a fault is cleared or a new stack is put in the feeder) into the same component. */
  'scan.continue': method({
    params: z
      .object({
        jobId: z.string().min(1).max(64),
        /** Replaces the profile's driver options for this and later loads (e.g. another test picture; {} clears them). */
        driverOptions: z.record(z.string(), driverOptionValue).optional(),
        watchdogMs: z.number().int().min(200).max(600_000).optional(),
        idempotencyKey,
      })
      .strict(),
    result: scanJobSchema,
    mutating: true,
    roles: ['clerk', 'records_clerk', 'admin'],
  }),
  'scan.cancel': method({
    params: z.object({ jobId: z.string().min(1).max(64), idempotencyKey }).strict(),
    result: scanJobSchema,
    mutating: true,
    roles: ['clerk', 'records_clerk', 'admin'],
  }),
  'scan.get': method({ params: z.object({ jobId: z.string().min(1).max(64) }).strict(), result: scanJobDetailSchema, mutating: false }),
  'scan.jobs': method({
    params: z.object({ componentId: z.string().optional(), state: z.enum(['running', 'paused', 'completed', 'failed', 'interrupted', 'cancelled']).optional(), limit: z.number().int().min(1).max(500).default(50) }).strict(),
    result: z.array(scanJobSchema),
    mutating: false,
  }),
} as const;
