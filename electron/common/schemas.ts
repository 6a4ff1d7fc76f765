import { z } from 'zod';
import { DRAFT_ID_PATTERN, SHA256_PATTERN, ULID_PATTERN } from './ids';
import { DOSSIER_CODE_PATTERN, PROCEDURE_CODE_PATTERN } from './owner';

/** Domain shapes shared by the service, the CLI and the renderer. */

export const procedureCode = z.string().regex(PROCEDURE_CODE_PATTERN, 'procedure code must look like 1.001612');
export const draftIdSchema = z.string().regex(DRAFT_ID_PATTERN, 'not a draft id');
export const ulidSchema = z.string().regex(ULID_PATTERN, 'not an id');
export const sha256Hex = z.string().regex(SHA256_PATTERN);
export const isoTime = z.string();

export const roleSchema = z.enum(['clerk', 'records_clerk', 'admin']);
export type Role = z.infer<typeof roleSchema>;

export const ownerIdTypeSchema = z.enum(['cccd', 'cmnd', 'org']);

/** DVCQG LoaiDoiTuong differs between targets: the station keeps its own enum and maps per adapter. */
export const ownerKindSchema = z.enum(['citizen', 'enterprise', 'agency', 'other']);

export const dossierPurposeSchema = z.enum(['intake', 'result']);
/** 'abandoned': a draft the clerk gave up ("Bỏ hồ sơ"); everything captured is kept and an admin can restore it. */
export const dossierStateSchema = z.enum(['draft', 'complete', 'queued', 'synced', 'abandoned']);
export type DossierState = z.infer<typeof dossierStateSchema>;
export const componentKindSchema = z.enum(['intake', 'result']);

/** Per component, every field the DVCQG record scores (TaiLieuNop / DanhSachGiayToKetQua). */
export const componentSchema = z.object({
  id: ulidSchema,
  dossierId: draftIdSchema,
  typeCode: z.string().min(1).max(64), // MaThanhPhanHoSo
  name: z.string(),
  kind: componentKindSchema,
  required: z.boolean(),
  position: z.number().int(),
  summary: z.string().nullable(),
  validFrom: z.string().nullable(),
  validTo: z.string().nullable(),
  validityScope: z.string().nullable(),
  copyType: z.enum(['original', 'copy', 'electronic']), // LoaiBan
  reuse: z.enum(['none', 'reused', 'reused_replaced']), // DuocTaiSuDung 0/1/2
  replacedResultCode: z.string().nullable(), // MaKetQuaThayThe
  fromNationalStore: z.boolean(), // DuocLayTuKhoDMQG
  resultCode: z.string().nullable(), // MaGiayToKetQua
  pageCount: z.number().int(),
  digitised: z.boolean(), // DuocSoHoa: has a document
  signed: z.boolean(),
  /** The component's current document (the newest that is not purged), so signing survives a reload. */
  documentId: z.string().nullable(),
  /** Filled from an earlier document instead of a scan ("Dùng lại giấy tờ này"): where it came from. */
  reusedFrom: z
    .object({ source: z.enum(['local', 'remote']), dossierId: z.string().nullable(), dossierCode: z.string().nullable(), takenAt: isoTime })
    .nullable(),
});
export type Component = z.infer<typeof componentSchema>;

export const dossierSchema = z.object({
  id: draftIdSchema, // local draft id: <stationId>-<ULID>
  serverCode: z.string().regex(DOSSIER_CODE_PATTERN).nullable(), // MaHoSo, bound at sync
  stationId: z.string(),
  purpose: dossierPurposeSchema,
  procedureCode: procedureCode,
  procedureName: z.string(),
  ownerIdType: ownerIdTypeSchema,
  ownerId: z.string(), // DinhDanhCHS.SoDinhDanh
  ownerName: z.string(),
  ownerKind: ownerKindSchema,
  channel: z.number().int().min(1).max(3), // KenhThucHien: 1 trực tiếp
  summary: z.string().nullable(), // TrichYeuHoSo
  state: dossierStateSchema,
  createdBy: z.string().nullable(),
  createdAt: isoTime,
  updatedAt: isoTime,
  /** Who abandoned the draft, when and why (state 'abandoned'); null otherwise. */
  abandoned: z.object({ at: isoTime, by: z.string().nullable(), byName: z.string().nullable(), reason: z.string() }).nullable(),
  components: z.array(componentSchema),
});
export type Dossier = z.infer<typeof dossierSchema>;

export const dossierSummarySchema = dossierSchema.omit({ components: true }).extend({
  componentCount: z.number().int(),
  missingRequired: z.number().int(),
});
export type DossierSummary = z.infer<typeof dossierSummarySchema>;

export const deviceSchema = z.object({
  id: z.string(),
  driver: z.enum(['sane', 'escl', 'wia', 'twain']),
  name: z.string(),
  vendor: z.string(),
  model: z.string(),
  type: z.string(),
});
export type Device = z.infer<typeof deviceSchema>;

export const stationInfoSchema = z.object({
  stationId: z.string(),
  stationName: z.string(),
  version: z.string(),
  schemaVersion: z.number().int(),
  dataDir: z.string(),
  demoMode: z.boolean(),
  online: z.boolean(),
  serverConfigured: z.boolean(),
  /** Encryption at rest (database and blobs) is on. */
  encrypted: z.boolean().optional(),
  /** AUDIT_CHAIN_BROKEN alarm: the first access-log row whose link fails at start-up, else null. */
  auditBrokenAt: z.number().int().nullable().optional(),
  /** AUDIT_LOG_TRUNCATED alarm: the acknowledged head (seq) the access log no longer reaches, else null. */
  auditTruncatedAt: z.number().int().nullable().optional(),
});
export type StationInfo = z.infer<typeof stationInfoSchema>;
