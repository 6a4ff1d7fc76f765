import { z } from 'zod';
import { localPathSchema } from '../localPath';
import { AGENCY_CODE_PATTERN } from '../owner';
import { idempotencyKey, method, noParams } from './method';

/** sync.* and reports.* methods (outbox, server settings, enrolment, digitisation report). */

export const syncWindowPattern = /^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$/;

export const syncConfigureFields = z
  .object({
    /** Which provincial system the station speaks to: our protocol v1, iGate DVC Bộ/LGSP, or the DVCQG adapter. */
    adapter: z.enum(['sohoa-v1', 'dvc-bo', 'dvcqg']).optional(),
    /** The target's JSON configuration (paths, enum maps, date formats, limits); null = the bundled default. */
    targetConfigFile: z.string().min(1).nullable().optional(),
    /** Pinning: caFile becomes the only trust root for the server. */
    pinCa: z.boolean().optional(),
    /** Base URL of the provincial one-stop server (https://…). */
    server: z.string().url().nullable().optional(),
    /** PEM file of the CA that issued the server's certificate (added to the system CAs). */
    caFile: localPathSchema.nullable().optional(),
    agencyCode: z.string().regex(AGENCY_CODE_PATTERN).nullable().optional(),
    /** Sync only inside "HH:MM-HH:MM" local time (may wrap midnight: 17:30-07:30); null = any time. */
    window: z.string().regex(syncWindowPattern, 'window must look like 17:30-07:30').nullable().optional(),
    utcOffsetMinutes: z.number().int().min(-720).max(840).optional(),
    /** Upload bandwidth cap in KiB/s; null = unlimited. */
    bandwidthKBps: z.number().int().min(1).nullable().optional(),
    timeoutMs: z.number().int().min(200).max(600_000).optional(),
    backoff: z
      .object({ baseMs: z.number().int().min(1), maxMs: z.number().int().min(1), permanentMs: z.number().int().min(1) })
      .partial()
      .optional(),
    pollMs: z.number().int().min(50).max(3_600_000).optional(),
    /** Dossiers sent in parallel (default 2). */
    concurrency: z.number().int().min(1).max(8).optional(),
    /** Days after the server's receipt before local copies are purged (never fewer than 7). */
    retentionDays: z.number().min(7, 'retention is at least 7 days after the receipt').max(3650).optional(),
  })
  .strict();
export type SyncConfigureInput = z.infer<typeof syncConfigureFields>;

export const syncStateNameSchema = z.enum(['unconfigured', 'not-enrolled', 'paused', 'outside-window', 'idle', 'syncing', 'offline', 'error']);

export const syncStatusSchema = z.object({
  state: syncStateNameSchema,
  online: z.boolean().nullable(),
  server: z.string().nullable(),
  enrolled: z.boolean(),
  paused: z.boolean(),
  window: z.string().nullable(),
  inWindow: z.boolean(),
  pendingDossiers: z.number().int(),
  failedDossiers: z.number().int(),
  pendingUploads: z.number().int(),
  syncedDocuments: z.number().int(),
  lastErrorCode: z.string().nullable(),
  lastError: z.string().nullable(),
  lastSyncAt: z.string().nullable(),
  blockedUntil: z.string().nullable(),
  nextAttemptAt: z.string().nullable(),
});
export type SyncStatusView = z.infer<typeof syncStatusSchema>;

const dateSchema = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'dates are YYYY-MM-DD');

export const reportRowSchema = z.object({
  period: z.string(),
  procedureCode: z.string(),
  procedureName: z.string(),
  level: z.string(),
  clerk: z.string(),
  received: z.number().int(),
  digitised: z.number().int(),
  componentsTotal: z.number().int(),
  componentsDigitised: z.number().int(),
  resultsDigitised: z.number().int(),
  resultDossiers: z.number().int(),
  digitisationRate: z.number(),
  resultRate: z.number(),
  target: z.number(),
  meetsTarget: z.boolean(),
});

export const syncMethods = {
  'sync.status': method({ params: noParams, result: syncStatusSchema, mutating: false }),
  'sync.now': method({
    params: z.object({ idempotencyKey }).strict(),
    result: z.object({ synced: z.number().int(), failed: z.number().int(), purged: z.number().int(), status: syncStatusSchema }),
    mutating: true,
  }),
  'sync.pause': method({
    params: z.object({ paused: z.boolean().default(true), idempotencyKey }).strict(),
    result: syncStatusSchema,
    mutating: true,
  }),
  'sync.configure': method({
    params: syncConfigureFields.extend({ idempotencyKey }).strict(),
    result: syncStatusSchema,
    mutating: true,
    roles: ['admin'],
  }),
  'sync.enrol': method({
    params: z.object({ enrolmentCode: z.string().min(1).max(200), server: z.string().url().optional(), idempotencyKey }).strict(),
    result: z.object({ enrolled: z.literal(true), clientId: z.string(), status: syncStatusSchema }),
    mutating: true,
    roles: ['admin'],
  }),
  'sync.setCredentials': method({
    // Province-issued secrets: admin only, never logged or audited by value (the CLI reads them from a file/env/fd).
    params: z
      .object({
        clientId: z.string().min(1).max(500).optional(),
        clientSecret: z.string().min(1).max(2000).optional(),
        username: z.string().min(1).max(500).optional(),
        password: z.string().min(1).max(2000).optional(),
        idempotencyKey,
      })
      .strict(),
    result: syncStatusSchema,
    mutating: true,
    roles: ['admin'],
  }),
  'sync.test': method({
    params: noParams,
    result: z.object({
      adapter: z.string(),
      ok: z.boolean(),
      errorCode: z.string().nullable(),
      error: z.string().nullable(),
      exchanges: z.array(z.object({ request: z.string(), status: z.number().int(), correlationId: z.string().nullable(), body: z.string() })),
    }),
    mutating: false,
    roles: ['admin'],
  }),
  /** Official catalogue from the target (DVCQG LayDanhSachTTHC/LayThuTuc); commune and province levels only. */
  'sync.fetchCatalogue': method({
    params: z.object({ idempotencyKey }).strict(),
    result: z.object({
      version: z.string(),
      procedures: z.number().int(),
      file: z.string(),
      skipped: z.array(z.object({ code: z.string(), reason: z.string() })),
    }),
    mutating: true,
    roles: ['admin'],
  }),
  'reports.digitisation': method({
    params: z
      .object({
        from: dateSchema,
        to: dateSchema,
        period: z.enum(['day', 'month', 'all']).default('month'),
        byProcedure: z.boolean().default(true),
        byClerk: z.boolean().default(true),
        format: z.enum(['json', 'csv', 'xlsx']).default('json'),
      })
      .strict(),
    result: z.object({
      from: z.string(),
      to: z.string(),
      period: z.enum(['day', 'month', 'all']),
      rows: z.array(reportRowSchema),
      total: reportRowSchema,
      csv: z.string().optional(),
      xlsxBase64: z.string().optional(),
    }),
    mutating: false,
  }),
} as const;
