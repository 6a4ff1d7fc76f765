import { z } from 'zod';
import { localPathSchema } from '../localPath';
import { DOSSIER_CODE_PATTERN, REUSE_DOSSIER_CODES_MAX } from '../owner';
import {
  componentKindSchema,
  dossierPurposeSchema,
  dossierSchema,
  dossierStateSchema,
  dossierSummarySchema,
  draftIdSchema,
  ownerIdTypeSchema,
  ownerKindSchema,
  procedureCode,
  sha256Hex,
  ulidSchema,
} from '../schemas';
import { idempotencyKey, method, noParams } from './method';

const componentId = ulidSchema;
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2})?)?$/, 'date must be ISO 8601');

export const reuseCandidateSchema = z.object({
  /** local: a signed copy on this station; remote: held by the province's system, fetched when taken. */
  source: z.enum(['local', 'remote']),
  documentId: z.string().nullable(),
  sha256: z.string(),
  fileName: z.string().nullable(),
  pageCount: z.number().int().nullable(),
  pdfaLevel: z.string().nullable(),
  typeCode: z.string(),
  componentName: z.string(),
  kind: z.string(),
  validFrom: z.string().nullable(),
  validTo: z.string().nullable(),
  validityScope: z.string().nullable(),
  resultCode: z.string().nullable(),
  dossierId: z.string().nullable(),
  dossierCode: z.string().nullable(),
  procedureCode: z.string().nullable(),
  signedAt: z.string().nullable(),
  /** DuocLayTuKhoDMQG once taken. */
  fromNationalStore: z.boolean(),
});

/** How the look-up through the target went; its failure never hides the local candidates. */
export const remoteLookupSchema = z.object({
  status: z.enum(['ok', 'off', 'unsupported', 'failed']),
  codes: z.array(z.string()),
  errors: z.array(
    z.object({ dossierCode: z.string(), code: z.string(), message: z.string(), serverMessage: z.string().nullable(), correlationId: z.string().nullable() }),
  ),
});

const dossierCode = z.string().trim().toUpperCase().regex(DOSSIER_CODE_PATTERN, 'dossier code (MaHoSo)');

export const exportResultSchema = z.object({
  out: z.string(),
  format: z.enum(['dir', 'zip']),
  dossiers: z.array(z.string()),
  files: z.array(z.object({ path: z.string(), sha256: z.string(), size: z.number().int() })),
});

export const exportFolderSchema = z.object({ dir: z.string(), isDefault: z.boolean() });

export const checklistItemSchema = z.object({
  componentId: z.string(),
  typeCode: z.string(),
  name: z.string(),
  kind: componentKindSchema,
  required: z.boolean(),
  digitised: z.boolean(),
  signed: z.boolean(),
  missing: z.enum(['scan', 'sign']).nullable(),
});

export const checklistSchema = z.object({
  items: z.array(checklistItemSchema),
  missingRequired: z.array(checklistItemSchema),
  complete: z.boolean(),
});

export const procedureSchema = z.object({
  code: z.string(),
  name: z.string(),
  level: z.string(),
  field: z.string().nullable(),
  source: z.string().nullable(),
  confirmed: z.boolean(),
  components: z.array(z.object({ typeCode: z.string(), name: z.string(), kind: componentKindSchema, required: z.boolean() })),
});

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
  /**
   * The dossier's receipt cover sheet (phiếu kiểm soát, QR of the draft id) or, with `componentId`, a component
   * separator sheet: a one-page PDF/A-1b to print (the counter opens it in the browser's PDF viewer).
   */
  'dossiers.cover': method({
    params: z.object({ id: draftIdSchema, componentId: z.string().min(1).max(64).optional() }).strict(),
    result: z.object({ fileName: z.string(), pdfBase64: z.string(), code: z.string() }),
    mutating: false,
  }),
  // ---- dossier model (issue 7) ----
  /** Edits a component's metadata: summary, validity, LoaiBan, reuse flags (DuocTaiSuDung…), MaGiayToKetQua. */
  'dossiers.updateComponent': method({
    params: z
      .object({
        componentId,
        name: z.string().min(1).max(500).optional(),
        summary: z.string().max(1000).nullable().optional(),
        validFrom: isoDate.nullable().optional(),
        validTo: isoDate.nullable().optional(),
        validityScope: z.string().max(500).nullable().optional(),
        copyType: z.enum(['original', 'copy', 'electronic']).optional(),
        reuse: z.enum(['none', 'reused', 'reused_replaced']).optional(),
        replacedResultCode: z.string().min(1).max(100).nullable().optional(),
        fromNationalStore: z.boolean().optional(),
        resultCode: z.string().min(1).max(100).nullable().optional(),
        idempotencyKey,
      })
      .strict(),
    result: dossierSchema,
    mutating: true,
  }),
  /** Adds a component not in the catalogue's list (an extra paper, or a result). */
  'dossiers.addComponent': method({
    params: z
      .object({
        dossierId: draftIdSchema,
        typeCode: z.string().min(1).max(64),
        name: z.string().min(1).max(500),
        kind: componentKindSchema.default('intake'),
        required: z.boolean().default(false),
        idempotencyKey,
      })
      .strict(),
    result: dossierSchema,
    mutating: true,
  }),
  /** Adds the catalogue's result components (kết quả) to an intake dossier. */
  'dossiers.addResults': method({ params: z.object({ id: draftIdSchema, idempotencyKey }).strict(), result: dossierSchema, mutating: true }),
  /** A result dossier for a dossier the one-stop system already knows by its code (e.g. received online). */
  'dossiers.createResult': method({
    params: z
      .object({
        procedureCode,
        resultFor: z.string().regex(DOSSIER_CODE_PATTERN, 'not a dossier code'),
        ownerId: z.string().min(1).max(20),
        ownerIdType: ownerIdTypeSchema.optional(),
        ownerName: z.string().max(300).default(''),
        ownerKind: ownerKindSchema.optional(),
        summary: z.string().max(1000).optional(),
        idempotencyKey,
      })
      .strict(),
    result: dossierSchema,
    mutating: true,
  }),
  /** Which required components are still missing (not scanned / not signed). */
  'dossiers.checklist': method({ params: z.object({ id: draftIdSchema }).strict(), result: checklistSchema, mutating: false }),
  /** Marks the dossier complete (all required components digitised and signed) and queues it for sync. */
  'dossiers.complete': method({
    params: z.object({ id: draftIdSchema, queue: z.boolean().default(true), idempotencyKey }).strict(),
    result: dossierSchema,
    mutating: true,
  }),
  /**
   * "Bỏ hồ sơ": a draft leaves the drafts list as 'abandoned', with the clerk and the reason; nothing captured is
   * deleted, search still finds it, an admin can restore it. Only a draft can be abandoned.
   */
  'dossiers.abandon': method({
    params: z.object({ id: draftIdSchema, reason: z.string().trim().min(1, 'a reason is needed').max(500), idempotencyKey }).strict(),
    result: dossierSchema,
    mutating: true,
  }),
  /** An abandoned dossier back among the drafts, as it was (admin). */
  'dossiers.restore': method({
    params: z.object({ id: draftIdSchema, idempotencyKey }).strict(),
    result: dossierSchema,
    mutating: true,
    roles: ['admin'],
  }),
  /**
   * Reuse look-up: the owner's earlier, still valid documents for this component's code — on this station and, through
   * the target (DVCQG TraCuuHoSo, iGate search by code), in the owner's earlier dossiers and in DOSSIERCODES the clerk
   * read from the citizen's receipts (docs/sync.md, Reuse). REMOTE false asks this station only.
   */
  'dossiers.reuseCandidates': method({
    params: z.object({ componentId, dossierCodes: z.array(dossierCode).max(REUSE_DOSSIER_CODES_MAX).optional(), remote: z.boolean().optional() }).strict(),
    result: z.object({ candidates: z.array(reuseCandidateSchema), remote: remoteLookupSchema }),
    mutating: false,
  }),
  /**
   * Attaches a candidate instead of a new scan; sets DuocTaiSuDung / MaKetQuaThayThe / DuocLayTuKhoDMQG. A local one by
   * DOCUMENTID; a remote one by REMOTE (its MaHoSo and sha256: looked up again, fetched and hash-checked).
   */
  'dossiers.takeReuse': method({
    params: z
      .object({
        componentId,
        documentId: ulidSchema.optional(),
        remote: z.object({ dossierCode, sha256: sha256Hex }).strict().optional(),
        replacedResultCode: z.string().min(1).max(100).nullable().optional(),
        idempotencyKey,
      })
      .strict()
      .refine((p) => (p.documentId === undefined) !== (p.remote === undefined), 'give documentId (local) or remote, not both'),
    result: dossierSchema,
    mutating: true,
  }),
  /**
   * "Lưu hồ sơ ra thư mục": signed PDFs + manifest.json + dvcqg.json into a folder or a .zip (absolute path). Without
   * OUT (the clerk's one press), into a new folder `<MaHoSo or draft id>_<time>` of the station's export folder.
   */
  'dossiers.export': method({
    params: z.object({ id: draftIdSchema, out: localPathSchema.optional(), idempotencyKey }).strict(),
    result: exportResultSchema,
    mutating: true,
  }),
  /** The station's export folder (the admin's setting, else the default) that the one-press export writes into. */
  'dossiers.exportFolder': method({ params: noParams, result: exportFolderSchema, mutating: false }),
  /** Sets the export folder: absolute, on this computer, created if missing and writable (EXPORT_DIR_UNWRITABLE). */
  'dossiers.setExportFolder': method({
    params: z.object({ dir: localPathSchema, idempotencyKey }).strict(),
    result: exportFolderSchema,
    mutating: true,
    roles: ['admin'],
  }),
  /** A day's dossiers (received that local day), one folder each. */
  'dossiers.exportDay': method({
    params: z.object({ day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/), out: z.string().min(1).max(4000), idempotencyKey }).strict(),
    result: exportResultSchema,
    mutating: true,
  }),
  'dossiers.procedures': method({ params: noParams, result: z.array(procedureSchema), mutating: false }),
  /** Replaces the procedure catalogue from a province's file (kept as setting catalogue.file). */
  'dossiers.loadCatalogue': method({
    params: z.object({ file: localPathSchema, idempotencyKey }).strict(),
    result: z.object({ version: z.string(), procedures: z.number().int() }),
    mutating: true,
    roles: ['admin'],
  }),
} as const;
