// Validation of the commit manifest and the enrolment body (docs/sync-protocol.md §1, §4.2).
import { z } from 'zod';

export const SHA256_RE = /^[0-9a-f]{64}$/;
const idLike = (max: number) => z.string().min(1).max(max).regex(/^[A-Za-z0-9._:-]+$/, 'chỉ gồm chữ, số và . _ : -');
const isoDateTime = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/, 'thời điểm ISO-8601 có múi giờ')
  .refine((s) => !Number.isNaN(Date.parse(s)), 'thời điểm không hợp lệ');

export const enrolSchema = z.object({
  enrolmentCode: z.string().min(1).max(100),
  stationId: idLike(64),
  stationName: z.string().min(1).max(200),
});

const signatureSchema = z.object({
  role: z.string().min(1).max(100),
  signer: z.string().max(500).optional().nullable(),
  level: z.string().max(50).optional().nullable(),
  signedAt: z.string().max(64).optional().nullable(),
});

const documentSchema = z.object({
  fileId: z.string().min(1).max(64),
  sha256: z.string().regex(SHA256_RE, 'sha256: 64 ký tự hex thường'),
  fileName: z.string().min(1).max(4000, 'tên tệp tối đa 4000 ký tự (TenTepDinhKem)'),
  pageCount: z.number().int().min(1),
  pdfaLevel: z.string().max(20).optional().nullable(),
  signatures: z.array(signatureSchema).max(20).default([]),
});

const componentSchema = z
  .object({
    typeCode: z.string().min(1).max(100),
    name: z.string().min(1).max(500),
    kind: z.enum(['intake', 'result']),
    copyType: z.enum(['original', 'copy', 'electronic']),
    digitised: z.union([z.literal(0), z.literal(1)]),
    reuse: z.enum(['none', 'reused', 'reused_replaced']),
    replacedResultCode: z.string().min(1).max(100).optional().nullable(),
    fromNationalStore: z.union([z.literal(0), z.literal(1)]),
    resultCode: z.string().min(1).max(100).optional().nullable(),
    documents: z.array(documentSchema).max(100),
  })
  .refine((c) => c.reuse !== 'reused_replaced' || !!c.replacedResultCode, {
    message: 'replacedResultCode bắt buộc khi reuse = reused_replaced (MaKetQuaThayThe)',
    path: ['replacedResultCode'],
  });

const ownerSchema = z
  .object({
    kind: z.enum(['citizen', 'enterprise', 'agency', 'other']),
    idType: z.enum(['cccd', 'cmnd', 'org']),
    id: z.string().min(1).max(50),
    name: z.string().min(1).max(200),
  })
  .refine((o) => (o.idType === 'cccd' ? /^\d{12}$/.test(o.id) : o.idType === 'cmnd' ? /^\d{9}$/.test(o.id) : true), {
    message: 'số định danh: CCCD 12 chữ số, CMND 9 chữ số',
    path: ['id'],
  });

export const manifestSchema = z.object({
  draftId: idLike(128),
  stationId: idLike(64),
  procedureCode: z.string().regex(/^\d\.\d{6}$/, 'mã TTHC dạng 1.001193'),
  agencyCode: z.string().regex(/^[0-9A-Z.]{2,35}$/, 'mã đơn vị dạng H15.50'),
  receivedAt: isoDateTime,
  channel: z.union([z.literal(1), z.literal(2), z.literal(3)]),
  summary: z.string().min(1).max(1000, 'trích yếu tối đa 1000 ký tự (TrichYeuHoSo)'),
  owner: ownerSchema,
  components: z.array(componentSchema).min(1).max(200),
  /** The station's access-log head (docs/sync-protocol.md): kept as an anchor against a cut local log. */
  auditHead: z.object({ seq: z.number().int().min(1), hash: z.string().regex(SHA256_RE) }).optional(),
});

export type Manifest = z.infer<typeof manifestSchema>;

export interface FieldError {
  field: string;
  message: string;
}

/** `components[0].documents[1].fileId` from a zod path. */
export function fieldPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : `${out ? '.' : ''}${String(p)}`;
  return out || '(body)';
}

export function zodErrors(err: z.ZodError): FieldError[] {
  return err.issues.map((i) => ({ field: fieldPath(i.path), message: i.message }));
}
