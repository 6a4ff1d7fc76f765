import { z } from 'zod';
import { localPathSchema } from '../localPath';
import { ulidSchema } from '../schemas';
import { idempotencyKey, method, noParams } from './method';

/** Where the private key lives: a PKCS#11 token (USB token, SoftHSM) or a .p12/.pfx file on the station PC. */
export const signingKeyRefSchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('pkcs11'),
      module: localPathSchema,
      tokenLabel: z.string().min(1).max(64),
      /** CKA_ID in hex; optional when the token holds one certificate. */
      certId: z.string().regex(/^[0-9a-fA-F]{1,128}$/).optional(),
    })
    .strict(),
  z.object({ kind: z.literal('p12'), path: localPathSchema }).strict(),
]);
export type SigningKeyRef = z.infer<typeof signingKeyRefSchema>;

export const padesLevelSchema = z.enum(['B-B', 'B-T', 'B-LT']);

export const certificateEntrySchema = z.object({
  source: z.enum(['pkcs11', 'p12']),
  key: signingKeyRefSchema,
  /** Empty for a .p12 (its certificate is encrypted until the password is given). */
  subject: z.string(),
  commonName: z.string(),
  issuer: z.string(),
  validFrom: z.string().nullable(),
  validTo: z.string().nullable(),
  certSha256: z.string().nullable(),
  tokenManufacturer: z.string().nullable(),
  pinCountLow: z.boolean(),
  pinFinalTry: z.boolean(),
  pinLocked: z.boolean(),
  /** The station's demo certificate (demo mode without a server only): no legal value, refused by sync. */
  demo: z.boolean().optional(),
});
export type CertificateEntry = z.infer<typeof certificateEntrySchema>;

export const signatureInfoSchema = z.object({
  id: z.string(),
  role: z.enum(['clerk', 'agency', 'timestamp']),
  signerName: z.string(),
  level: z.enum(['B-B', 'B-T', 'B-LT', 'DTS']),
  fieldName: z.string().nullable(),
  signedAt: z.string(),
  tsaTime: z.string().nullable(),
  signedSha256: z.string(),
});

export const signResultSchema = z.object({
  documentId: z.string(),
  sha256: z.string(),
  size: z.number().int(),
  signature: signatureInfoSchema,
  /** B-T/B-LT was asked for but the TSA was unreachable: signed at B-B, a document timestamp is queued. */
  timestampQueued: z.boolean(),
  chain: z.enum(['trusted', 'unchecked']),
  revocation: z.enum(['good', 'unknown', 'unchecked']),
});

export const signatureReportSchema = z.object({
  index: z.number().int(),
  fieldName: z.string(),
  kind: z.enum(['signature', 'document-timestamp']),
  subFilter: z.string(),
  signer: z.object({ name: z.string(), subject: z.string(), certSha256: z.string() }).nullable(),
  claimedTime: z.string().nullable(),
  timestampTime: z.string().nullable(),
  level: z.enum(['B-B', 'B-T', 'B-LT', 'DTS', 'unknown']),
  intact: z.boolean(),
  chain: z.enum(['trusted', 'untrusted', 'unchecked']),
  byteRange: z.array(z.number()),
  coversWholeDocument: z.boolean(),
  modifiedAfter: z.boolean(),
  changes: z.array(z.string()),
  errors: z.array(z.string()),
  valid: z.boolean(),
});

export const verifyReportSchema = z.object({
  file: z.string(),
  size: z.number().int(),
  signatures: z.array(signatureReportSchema),
  valid: z.boolean(),
});

export const signingConfigSchema = z
  .object({
    /** RFC 3161 TSA (VGCA: http://tsa.ca.gov.vn/). Null: no timestamps (B-B, DTS queued). */
    tsaUrl: z.string().url().nullable(),
    tsaUsername: z.string().max(200).nullable(),
    /** Trust anchors as a PEM bundle (Vietnam National Root CA, VGCA Root G2, …). Empty: chain unchecked. */
    trustAnchorsPem: z.string().max(2_000_000),
    /** Extra intermediates (PEM) for chain building. */
    intermediatesPem: z.string().max(2_000_000),
    /** Token libraries the station loads: each must be a known Vietnamese token module or on allowedTokenModules. */
    pkcs11Modules: z.array(localPathSchema).max(50),
    /** The admin's own additions to the known-module allow-list (exact paths). */
    allowedTokenModules: z.array(localPathSchema).max(50),
    p12Files: z.array(localPathSchema).max(200),
    /** The agency's name in the "SAO Y" mark. */
    agencyName: z.string().max(300),
    /** The agency seal for the "SAO Y" mark: PNG bytes (base64) uploaded by the admin, drawn red as a stencil. */
    sealPngBase64: z.string().max(4_000_000),
    checkRevocation: z.boolean(),
    defaultLevel: padesLevelSchema,
  })
  .strict();
export type SigningConfig = z.infer<typeof signingConfigSchema>;

/** signing.* and documents.sign/verify. Secrets (PIN, .p12 password) are never logged, stored or echoed. */
export const signingMethods = {
  /** Certificates on tokens of the configured PKCS#11 modules (no PIN needed) and the configured .p12 files. */
  'signing.listCertificates': method({ params: noParams, result: z.array(certificateEntrySchema), mutating: false }),
  'signing.getConfig': method({
    params: noParams,
    result: signingConfigSchema.omit({ trustAnchorsPem: true, intermediatesPem: true, sealPngBase64: true }).extend({ trustAnchors: z.array(z.string()), sealConfigured: z.boolean() }),
    mutating: false,
  }),
  'signing.setConfig': method({
    params: signingConfigSchema.partial().extend({ idempotencyKey }).strict(),
    result: z.object({ ok: z.literal(true) }),
    mutating: true,
    roles: ['admin'],
  }),
  /**
   * Signs a document: 'clerk' = the clerk's personal signature (top-left mark); 'agency' = "SAO Y" (records
   * clerk only). `key` must name a configured entry (signing.listCertificates): a token of a configured
   * module or a configured .p12 file — anything else is SIGNING_KEY_NOT_CONFIGURED, never loaded.
   */
  'documents.sign': method({
    params: z
      .object({
        documentId: ulidSchema,
        role: z.enum(['clerk', 'agency']),
        key: signingKeyRefSchema,
        /** Token PIN (pkcs11) — used once for C_Login, never retried. */
        pin: z.string().min(1).max(64).optional(),
        /** .p12 password. */
        password: z.string().max(256).optional(),
        mark: z
          .object({
            visible: z.boolean().default(true),
            /** Clerk mark: the name shown (default: the certificate's common name). */
            name: z.string().max(200).optional(),
            /** Clerk mark: time of copying (default: when the document was made). */
            copiedAt: z.string().max(40).optional(),
            /** Agency mark heading. */
            heading: z.enum(['SAO Y', 'SAO LỤC', 'TRÍCH SAO']).default('SAO Y'),
            agencyName: z.string().max(300).optional(),
            /** PNG of the agency seal (path on the station PC), drawn red as a stencil. */
            sealPath: localPathSchema.optional(),
          })
          .strict()
          .optional(),
        level: padesLevelSchema.optional(),
        rsaScheme: z.enum(['pkcs1', 'pss']).optional(),
        idempotencyKey,
      })
      .strict(),
    result: signResultSchema,
    mutating: true,
  }),
  /** Verifies every signature in the document's current bytes. */
  'documents.verify': method({ params: z.object({ documentId: ulidSchema }).strict(), result: verifyReportSchema, mutating: false }),
  /** Adds queued document timestamps now (call when the TSA is reachable again). */
  'signing.flushTimestamps': method({
    params: z.object({ idempotencyKey }).strict(),
    result: z.object({ stamped: z.array(z.string()), failed: z.array(z.object({ documentId: z.string(), code: z.string() })) }),
    mutating: true,
  }),
} as const;
