import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { z } from 'zod';
import { StationError } from '../../common/errors';

/**
 * Per-target configuration of the provincial adapters (dvc-bo, dvcqg): endpoint paths, enum maps, date
 * formats and field-length limits. They are files, not constants, because the sources disagree between
 * provinces (spec §4: DVC Bộ's LoaiDoiTuong 0/1/2 vs. DVCQG's 1–4). A province replaces the file
 * (`sohoa sync configure --target-config FILE`); the defaults in resources/onestop-targets match the
 * reference server (tests/onestop-server --mode dvc-bo|dvcqg).
 */
export const TARGETS_DIR = process.env.SOHOA_TARGETS_DIR ?? fileURLToPath(new URL('../../../resources/onestop-targets/', import.meta.url));

export const ADAPTER_KINDS = ['sohoa-v1', 'dvc-bo', 'dvcqg'] as const;
export type AdapterKind = (typeof ADAPTER_KINDS)[number];

const path = z.string().min(1).max(300).regex(/^[^\s]+$/, 'no spaces in a path');
const code = z.union([z.string(), z.number()]);
const ownerKindMap = z.object({ citizen: code, enterprise: code, agency: code, other: code }).strict();
const copyTypeMap = z.object({ original: code, copy: code, electronic: code }).strict();
const reuseMap = z.object({ none: code, reused: code, reused_replaced: code }).strict();
const dateFormat = z.enum(['yyyy-MM-dd HH:mm:ss', 'yyyyMMddHHmmss', "yyyy-MM-dd'T'HH:mm:ss.SSS"]);
const limits = z.record(z.string(), z.number().int().min(1).max(100_000));

export const dvcBoConfigSchema = z
  .object({
    adapter: z.literal('dvc-bo'),
    name: z.string().min(1),
    auth: z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('oauth2-client-credentials'), tokenPath: path, style: z.enum(['basic', 'form']).default('form') }).strict(),
      z.object({ kind: z.literal('oidc-password'), tokenPath: path, clientId: z.string().min(1) }).strict(),
    ]),
    paths: z
      .object({
        nextCode: path,
        upload: path,
        create: path,
        /** `{code}` is replaced by the MaHoSo. */
        update: path,
        lookup: path,
        status: path,
        procedures: path,
        procedure: path,
        /** GET one file by id (`{id}` replaced): the reuse look-up fetches earlier documents. Optional: without it, no remote reuse. */
        download: path.optional(),
        /** POST the status message with the result list (spec §4 step 6). Optional: without it, results are exported by hand. */
        results: path.optional(),
      })
      .strict(),
    /** Multipart part name of the upload (spec §4 step 3: `files`). */
    uploadPart: z.string().min(1).default('files'),
    dateFormat,
    birthDateFormat: dateFormat,
    /** TrangThai sent with the result list (spec §4: lists only with status 5, 6, 9; 9 = Đã xử lý xong). */
    resultStatus: code.default(9),
    /** Code the next-code service is asked for: the agency (or the procedure). */
    codeFor: z.enum(['agency', 'procedure']).default('agency'),
    enums: z.object({ LoaiDoiTuong: ownerKindMap, LoaiBan: copyTypeMap, DuocTaiSuDung: reuseMap }).strict(),
    limits,
  })
  .strict();

export const dvcqgConfigSchema = z
  .object({
    adapter: z.literal('dvcqg'),
    name: z.string().min(1),
    /** Sent as header `dstcode` on every call (spec §1 Transport). */
    dstcode: z.string().min(1).max(100),
    paths: z.object({ auth: path, integration: path, share: path }).strict(),
    services: z
      .object({ lookup: z.string(), sync: z.string(), procedures: z.string(), procedure: z.string() })
      .strict(),
    /**
     * DVCQG pulls files by URL (DuongDanTaiTepTin): the station first PUTs each signed PDF to this file
     * endpoint (a path on the same server, `{sha256}` replaced) and sends the URL `fileUrlBase + path`.
     */
    fileEndpoint: z.object({ put: path, publicBase: z.string().url().nullable().default(null) }).strict(),
    /** Name of the per-file hash field sent inside TaiLieuNop (the reference server checks it) [I]. */
    hashField: z.string().min(1).default('HashTepTin'),
    dateFormat,
    /** MaHoSo is minted by the caller in DVCQG: `<agency>-yyMMdd-<seq>`, seq from this station's block. */
    codeSequenceStart: z.number().int().min(1).max(9_999_000).default(1),
    enums: z
      .object({
        LoaiDoiTuong: ownerKindMap,
        DuocTaiSuDung: reuseMap,
        LoaiDinhDanh: z.object({ cccd: code, cmnd: code, org: code }).strict(),
        TrangThaiHoSo: z.object({ received: code }).strict(),
      })
      .strict(),
    /** error_code values: success (0, "0", "00" all seen), "already exists", session expired, retry later. */
    errorCodes: z
      .object({
        success: z.array(code).min(1),
        exists: z.array(code),
        session: z.array(code),
        transient: z.array(code),
      })
      .strict(),
    limits,
  })
  .strict();

export type DvcBoConfig = z.infer<typeof dvcBoConfigSchema>;
export type DvcqgConfig = z.infer<typeof dvcqgConfigSchema>;
export type TargetConfig = DvcBoConfig | DvcqgConfig;

const targetSchema = z.discriminatedUnion('adapter', [dvcBoConfigSchema, dvcqgConfigSchema]);

/** Reads and validates a target file; the default file of ADAPTER when FILE is null. */
export function loadTargetConfig(adapter: 'dvc-bo' | 'dvcqg', file: string | null): TargetConfig {
  const f = file ?? join(TARGETS_DIR, `${adapter}.json`);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(f, 'utf8'));
  } catch (err) {
    throw new StationError('TARGET_CONFIG_INVALID', `cannot read target configuration ${f}: ${(err as Error).message}`, { file: f });
  }
  const p = targetSchema.safeParse(json);
  if (!p.success) {
    const issues = p.error.issues.map((i) => `${i.path.join('.') || '(file)'}: ${i.message}`);
    throw new StationError('TARGET_CONFIG_INVALID', `target configuration ${f} is invalid: ${issues.join('; ')}`, { file: f, issues });
  }
  if (p.data.adapter !== adapter) {
    throw new StationError('TARGET_CONFIG_INVALID', `target configuration ${f} is for ${p.data.adapter}, not ${adapter}`, { file: f });
  }
  return p.data;
}

/** Cuts a string to the target's limit for FIELD (the real systems truncate: spec §1 Formats and limits). */
export function fit(limitsOf: Record<string, number>, field: string, value: string): string {
  const max = limitsOf[field];
  return max !== undefined && value.length > max ? value.slice(0, max) : value;
}

/** Formats an ISO instant in Asia/Ho_Chi_Minh (UTC+7 all year) in one of the targets' formats. */
export function formatVnDate(iso: string, format: z.infer<typeof dateFormat>): string {
  const d = new Date(Date.parse(iso) + 7 * 3600_000);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  const [Y, M, D, h, m, s] = [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds()];
  if (format === 'yyyyMMddHHmmss') return `${Y}${p(M)}${p(D)}${p(h)}${p(m)}${p(s)}`;
  if (format === 'yyyy-MM-dd HH:mm:ss') return `${Y}-${p(M)}-${p(D)} ${p(h)}:${p(m)}:${p(s)}`;
  return `${Y}-${p(M)}-${p(D)}T${p(h)}:${p(m)}:${p(s)}.${p(d.getUTCMilliseconds(), 3)}`;
}
