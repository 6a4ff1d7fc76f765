// Reference one-stop server (docs/sync-protocol.md): enrolment, OAuth2 client-credentials tokens, files by sha256 over
// tus 1.0, dossier lookup and idempotent commit with receipts, and seeded fault injection. Plain node:http(s).
import { FileStore } from '@tus/file-store';
import { Server as TusServer } from '@tus/server';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { PassThrough } from 'node:stream';
import { bearerOf, loseReply, readBody, sendRaw, sendReply, sleep, type Reply } from './replies';
import { createDvcBoMode } from './dvcBoMode';
import { createDvcqgMode } from './dvcqgMode';
import { addPrincipals, openTargetTables, readTargetState } from './targetStore';
import { FaultEngine, type FaultConfig, type FaultDecision, type FaultKind, type FaultRule, type RequestClass, type Route } from './faults';
import { enrolSchema, manifestSchema, SHA256_RE, zodErrors, type FieldError } from './manifest';
import {
  addEnrolmentCodes,
  applyCommit,
  storeAuditAnchor,
  checkToken,
  dossierByCode,
  dossierByDraft,
  enrol,
  expireToken,
  fileByHash,
  fileById,
  issueToken,
  latestReceipt,
  openServerDb,
  readState,
  registerFile,
  stationByClient,
  type Db,
  type DocRef,
  type ServerState,
  type TokenCheck,
} from './store';

export interface OneStopServerOptions {
  /** Data directory (SQLite + files); created if missing. */
  dataDir: string;
  /** 0 (default) = a free port. */
  port?: number;
  host?: string;
  /** PEM certificate and key: serve HTTPS. */
  tls?: { cert: string | Buffer; key: string | Buffer };
  enrolmentCodes?: readonly string[];
  /** Agency codes the server issues dossier codes for; empty = any well-formed code. */
  agencies?: readonly string[];
  maxFileMb?: number;
  tokenTtlSeconds?: number;
  /**
   * The clock (ms since the epoch) that issues and checks this protocol's access tokens; default Date.now. A test of
   * token lifetimes moves it past the lifetime instead of sleeping through it (a busy machine can make a real second
   * pass before the token's first use).
   */
  tokenClock?: () => number;
  faults?: FaultConfig;
  randomFaults?: boolean;
  seed?: number;
  /** Enables /__faults, /__stats, /__state with `Authorization: Bearer <adminToken>`. */
  adminToken?: string;
  /** Which system to imitate (docs/sync-protocol.md §7): our protocol v1 (default), iGate DVC Bộ, DVCQG. */
  mode?: ServerMode;
  /** dvc-bo: OAuth2 clients (client credentials). */
  clients?: readonly { name: string; secret: string }[];
  /** dvc-bo (password grant) and dvcqg (auth + file endpoint): accounts. */
  accounts?: readonly { name: string; secret: string }[];
  /** dvcqg: the `dstcode` header every call must carry (default H15). */
  dstcode?: string;
}

export type ServerMode = 'sohoa-v1' | 'dvc-bo' | 'dvcqg';
export const SERVER_MODES: readonly ServerMode[] = ['sohoa-v1', 'dvc-bo', 'dvcqg'];

export interface OneStopStats {
  seed: number;
  requests: Partial<Record<Route | 'admin' | 'unknown', number>>;
  faults: Record<FaultKind, number>;
  enrolments: { created: number; repeated: number; rejected: number };
  tokens: { issued: number; rejected: number };
  uploads: {
    created: number;
    /** Creations answered with an already existing upload (partial or complete) for that hash. */
    existingAnswered: number;
    completed: number;
    hashMismatches: number;
    notPdf: number;
    byHashHits: number;
    byHashMisses: number;
    /** tus HEAD/POST for a hash already stored complete (no bytes are re-sent: the station could have asked by-hash). */
    redundantRequests: number;
  };
  commits: { created: number; updated: number; conflicts: number; rejected: number };
}

export interface OneStopServer {
  mode: ServerMode;
  url: string;
  port: number;
  dataDir: string;
  /** The seed of the current fault decisions (print it in tests). */
  readonly seed: number;
  enrolmentCodes: string[];
  db: Db;
  /** Replaces the fault rates; `random` turns every kind on at its default rate first. */
  setFaults(config: FaultConfig, opts?: { random?: boolean; seed?: number }): void;
  /** KIND fires on the next COUNT requests it applies to. */
  queueFault(kind: FaultKind, count?: number): void;
  faultRates(): Partial<Record<FaultKind, FaultRule>>;
  stats(): OneStopStats;
  state(): ServerState;
  close(): Promise<void>;
}


const JSON_LIMIT = 5 * 1024 * 1024;
const TUS_PATH = '/v1/files/tus';

const REASON_TEXT: Record<number, string> = {
  400: 'Dữ liệu không hợp lệ',
  401: 'Chưa xác thực hoặc phiên đã hết hạn',
  403: 'Không có quyền',
  404: 'Không tìm thấy',
  409: 'Đã tồn tại',
  413: 'Dữ liệu quá lớn',
  429: 'Quá nhiều yêu cầu, vui lòng thử lại sau',
  500: 'Lỗi máy chủ',
  502: 'Lỗi cổng kết nối',
  503: 'Máy chủ tạm thời không phục vụ',
};

function envelope(status: number, cid: string, data: unknown, message?: string): Record<string, unknown> {
  return { code: status, message: message ?? REASON_TEXT[status] ?? 'OK', correlationId: cid, data };
}

function errorReply(status: number, cid: string, reason: string, message?: string, extra: Record<string, unknown> = {}): Reply {
  return { status, body: envelope(status, cid, { reason, ...extra }, message) };
}






function parseTusMetadata(h: string | undefined): Record<string, string> | null {
  const out: Record<string, string> = {};
  if (!h) return out;
  for (const pair of h.split(',')) {
    const [k, v, extra] = pair.trim().split(' ');
    if (!k || extra !== undefined) return null;
    out[k] = v ? Buffer.from(v, 'base64').toString('utf8') : '';
  }
  return out;
}

async function hashFile(path: string): Promise<{ sha: string; head: Buffer }> {
  const h = createHash('sha256');
  let head = Buffer.alloc(0);
  for await (const c of createReadStream(path) as AsyncIterable<Buffer>) {
    if (head.length < 5) head = Buffer.concat([head, c.subarray(0, 5 - head.length)]);
    h.update(c);
  }
  return { sha: h.digest('hex'), head };
}


interface DropPlan {
  res: ServerResponse;
  after: number;
  fired: boolean;
}

/** FileStore that can cut an upload's body after N bytes (fault `drop-upload`), keeping exactly those bytes. */
class FaultableFileStore extends FileStore {
  readonly dropPlans = new Map<string, DropPlan>();

  override async write(readable: IncomingMessage | Readable, id: string, offset: number): Promise<number> {
    const plan = this.dropPlans.get(id);
    if (!plan) return super.write(readable, id, offset);
    const limited = new PassThrough();
    let seen = 0;
    let done = false;
    const finish = (last?: Buffer) => {
      if (done) return;
      done = true;
      limited.end(last);
    };
    readable.on('error', () => finish());
    readable.on('end', () => finish());
    readable.on('data', (chunk: Buffer) => {
      if (done) return;
      const room = plan.after - seen;
      if (chunk.length < room) {
        seen += chunk.length;
        if (!limited.write(chunk)) {
          readable.pause();
          limited.once('drain', () => readable.resume());
        }
        return;
      }
      plan.fired = true;
      finish(chunk.subarray(0, room));
      loseReply(plan.res);
    });
    return super.write(limited, id, offset);
  }
}

/**
 * The directory is created synchronously before the store (startOneStopServer). FileStore's own check is a
 * fire-and-forget async mkdir from its constructor whose error is thrown in a callback: when a short test
 * closes the server and removes its data directory first, that became an uncaught ENOENT. (The method is
 * private in FileStore's types, hence the prototype assignment.)
 */
(FaultableFileStore.prototype as unknown as { checkOrCreateDirectory(): void }).checkOrCreateDirectory = function noop(): void {};

export async function startOneStopServer(opts: OneStopServerOptions): Promise<OneStopServer> {
  const dataDir = opts.dataDir;
  const filesDir = join(dataDir, 'files');
  mkdirSync(filesDir, { recursive: true });
  const db = openServerDb(join(dataDir, 'onestop.db'));
  const enrolmentCodes = [...(opts.enrolmentCodes ?? [])];
  addEnrolmentCodes(db, enrolmentCodes);
  const agencies = [...(opts.agencies ?? [])];
  const maxBytes = Math.round((opts.maxFileMb ?? 50) * 1024 * 1024);
  const tokenTtl = opts.tokenTtlSeconds ?? 3600;
  const tokenClock = opts.tokenClock ?? Date.now;
  const faults = new FaultEngine(opts.seed ?? randomBytes(4).readUInt32BE(0));
  faults.configure(opts.faults ?? {}, { random: opts.randomFaults });
  let malformedToggle = 0;
  const mode: ServerMode = opts.mode ?? 'sohoa-v1';
  let modeHandler: ((req: IncomingMessage, res: ServerResponse, url: URL, cid: string) => Promise<void>) | null = null;

  const stats: Omit<OneStopStats, 'seed' | 'faults'> = {
    requests: {},
    enrolments: { created: 0, repeated: 0, rejected: 0 },
    tokens: { issued: 0, rejected: 0 },
    uploads: { created: 0, existingAnswered: 0, completed: 0, hashMismatches: 0, notPdf: 0, byHashHits: 0, byHashMisses: 0, redundantRequests: 0 },
    commits: { created: 0, updated: 0, conflicts: 0, rejected: 0 },
  };
  const count = (r: Route | 'admin' | 'unknown') => (stats.requests[r] = (stats.requests[r] ?? 0) + 1);

  // ---- tus ----
  const store = new FaultableFileStore({ directory: filesDir });
  const orphanPlans = new Map<string, ServerResponse>();
  const uploaderOf = new Map<string, string>();
  const creating = new Set<string>();
  const tus = new TusServer({
    path: TUS_PATH,
    datastore: store,
    relativeLocation: true,
    maxSize: maxBytes,
    namingFunction: (_req, metadata) => {
      const sha = metadata?.sha256;
      if (!sha || !SHA256_RE.test(sha)) throw { status_code: 400, body: 'sha256 metadata required\n' };
      return sha;
    },
    onUploadFinish: async (_req, upload) => {
      const id = upload.id;
      const path = join(filesDir, id);
      const { sha, head } = await hashFile(path);
      const isPdf = head.toString('latin1') === '%PDF-';
      if (!isPdf || sha !== id) {
        await store.remove(id).catch(() => undefined);
        const reason = !isPdf ? 'not_pdf' : 'hash_mismatch';
        if (!isPdf) stats.uploads.notPdf += 1;
        else stats.uploads.hashMismatches += 1;
        const message = !isPdf ? 'Tệp không phải PDF; tải lên đã bị hủy' : 'Mã băm SHA-256 không khớp; tải lên đã bị hủy, hãy tải lại';
        throw { status_code: 400, body: JSON.stringify(envelope(400, '-', { reason, expected: id, actual: sha }, message)) };
      }
      const meta = upload.metadata ?? {};
      const row = registerFile(db, {
        sha256: sha,
        size: statSync(path).size,
        file_name: meta.filename ?? id,
        content_type: 'application/pdf',
        station_id: uploaderOf.get(id) ?? null,
      });
      stats.uploads.completed += 1;
      const lost = orphanPlans.get(id);
      if (lost) {
        orphanPlans.delete(id);
        faults.hit('orphan');
        loseReply(lost);
      }
      return { headers: { 'X-File-Id': row.file_id, 'X-File-Sha256': row.sha256 } };
    },
  });

  // ---- JSON handlers ----
  interface Ctx {
    req: IncomingMessage;
    url: URL;
    body: Buffer;
    cid: string;
    token: string | null;
    auth: TokenCheck | null;
  }

  const needStation = (ctx: Ctx): string | Reply => {
    if (!ctx.token) return errorReply(401, ctx.cid, 'token_missing', 'Thiếu Authorization: Bearer');
    if (!ctx.auth?.ok) {
      const reason = ctx.auth?.reason ?? 'token_invalid';
      return errorReply(401, ctx.cid, reason, reason === 'token_expired' ? 'Phiên đã hết hạn' : 'Mã truy cập không hợp lệ');
    }
    return ctx.auth.stationId;
  };

  const parseJson = (ctx: Ctx): { ok: true; value: unknown } | { ok: false; reply: Reply } => {
    try {
      return { ok: true, value: JSON.parse(ctx.body.toString('utf8')) };
    } catch {
      return { ok: false, reply: errorReply(400, ctx.cid, 'invalid', 'Nội dung không phải JSON', { errors: [{ field: '(body)', message: 'JSON không hợp lệ' }] }) };
    }
  };

  const handlers: Record<'enrol' | 'token' | 'by-hash' | 'lookup' | 'dossier' | 'commit', (ctx: Ctx, param: string) => Reply> & {
    multipart: (ctx: Ctx) => Promise<Reply>;
  } = {
    enrol(ctx) {
      const j = parseJson(ctx);
      if (!j.ok) return j.reply;
      const p = enrolSchema.safeParse(j.value);
      if (!p.success) return errorReply(400, ctx.cid, 'invalid', undefined, { errors: zodErrors(p.error) });
      const r = enrol(db, p.data.enrolmentCode, p.data.stationId, p.data.stationName);
      if (!r.ok) {
        stats.enrolments.rejected += 1;
        if (r.reason === 'unknown_code') return errorReply(403, ctx.cid, 'forbidden', 'Mã đăng ký không đúng');
        if (r.reason === 'code_used') return errorReply(409, ctx.cid, 'enrolment_code_used', 'Mã đăng ký đã được dùng cho trạm khác');
        return errorReply(409, ctx.cid, 'enrolment_code_used', 'Trạm đã đăng ký bằng mã khác');
      }
      if (r.created) stats.enrolments.created += 1;
      else stats.enrolments.repeated += 1;
      const data = { clientId: r.station.client_id, clientSecret: r.station.client_secret, stationId: r.station.station_id };
      return { status: 201, body: envelope(201, ctx.cid, data, r.created ? 'Đã đăng ký trạm' : 'Trạm đã đăng ký trước đó') };
    },

    token(ctx) {
      const form = new URLSearchParams(ctx.body.toString('utf8'));
      let clientId = form.get('client_id');
      let clientSecret = form.get('client_secret');
      const basic = /^Basic\s+(\S+)$/i.exec(ctx.req.headers.authorization ?? '');
      if (basic?.[1]) {
        const dec = Buffer.from(basic[1], 'base64').toString('utf8');
        const i = dec.indexOf(':');
        if (i > 0) {
          clientId = decodeURIComponent(dec.slice(0, i));
          clientSecret = decodeURIComponent(dec.slice(i + 1));
        }
      }
      if (form.get('grant_type') !== 'client_credentials') {
        return errorReply(400, ctx.cid, 'invalid', 'grant_type phải là client_credentials', {
          errors: [{ field: 'grant_type', message: 'unsupported_grant_type' }],
        });
      }
      const st = clientId ? stationByClient(db, clientId) : undefined;
      const a = Buffer.from(st?.client_secret ?? '');
      const b = Buffer.from(clientSecret ?? '');
      if (!st || a.length !== b.length || !timingSafeEqual(a, b)) {
        stats.tokens.rejected += 1;
        const r = errorReply(401, ctx.cid, 'bad_client', 'Sai thông tin trạm (client id/secret)');
        (r.body as Record<string, unknown>).error = 'invalid_client';
        return r;
      }
      const token = issueToken(db, st.station_id, tokenTtl, tokenClock());
      stats.tokens.issued += 1;
      const oauth = { access_token: token, token_type: 'Bearer', expires_in: tokenTtl };
      return { status: 200, body: { ...oauth, ...envelope(200, ctx.cid, oauth, 'Đã cấp mã truy cập') }, headers: { 'Cache-Control': 'no-store' } };
    },

    'by-hash'(ctx, sha) {
      const s = needStation(ctx);
      if (typeof s !== 'string') return s;
      if (!SHA256_RE.test(sha)) return errorReply(400, ctx.cid, 'invalid', undefined, { errors: [{ field: 'sha256', message: '64 ký tự hex thường' }] });
      const f = fileByHash(db, sha);
      if (!f) {
        stats.uploads.byHashMisses += 1;
        return errorReply(404, ctx.cid, 'not_found', 'Máy chủ chưa có tệp này');
      }
      stats.uploads.byHashHits += 1;
      return {
        status: 200,
        body: envelope(200, ctx.cid, { fileId: f.file_id, sha256: f.sha256, size: f.size, fileName: f.file_name, storedAt: f.stored_at }),
      };
    },

    /** iGate / DVC-Bộ style one-shot upload: multipart part(s) `files` → [{ IdTepTin, HashTepTin, filename, size }]. */
    async multipart(ctx) {
      const s = needStation(ctx);
      if (typeof s !== 'string') return s;
      let form: FormData;
      try {
        form = await new Request('http://onestop.invalid/', {
          method: 'POST',
          headers: { 'content-type': String(ctx.req.headers['content-type'] ?? '') },
          body: ctx.body,
        }).formData();
      } catch {
        return errorReply(400, ctx.cid, 'invalid', 'Cần multipart/form-data với phần "files"', { errors: [{ field: 'files', message: 'bắt buộc' }] });
      }
      const parts = form.getAll('files').filter((p) => typeof p !== 'string') as unknown as { name: string; arrayBuffer(): Promise<ArrayBuffer> }[];
      if (parts.length === 0) return errorReply(400, ctx.cid, 'invalid', undefined, { errors: [{ field: 'files', message: 'bắt buộc' }] });
      const errors: FieldError[] = [];
      const blobs: { name: string; bytes: Buffer }[] = [];
      for (const [i, part] of parts.entries()) {
        const bytes = Buffer.from(await part.arrayBuffer());
        if (bytes.length > maxBytes) return errorReply(413, ctx.cid, 'too_large', `Tệp vượt quá ${Math.round(maxBytes / 1048576)} MB`);
        if (bytes.subarray(0, 5).toString('latin1') !== '%PDF-') errors.push({ field: `files[${i}]`, message: 'không phải PDF' });
        if (part.name.length < 1 || part.name.length > 4000) errors.push({ field: `files[${i}].filename`, message: '1–4000 ký tự' });
        blobs.push({ name: part.name, bytes });
      }
      if (errors.length > 0) return errorReply(400, ctx.cid, errors.some((e) => e.message === 'không phải PDF') ? 'not_pdf' : 'invalid', undefined, { errors });
      const out = blobs.map(({ name, bytes }) => {
        const sha = createHash('sha256').update(bytes).digest('hex');
        const path = join(filesDir, sha);
        if (!fileByHash(db, sha)) {
          writeFileSync(`${path}.part`, bytes);
          renameSync(`${path}.part`, path);
          stats.uploads.completed += 1;
        }
        const row = registerFile(db, { sha256: sha, size: bytes.length, file_name: name, content_type: 'application/pdf', station_id: s });
        return { IdTepTin: row.file_id, HashTepTin: row.sha256, filename: name, size: row.size };
      });
      return { status: 201, body: envelope(201, ctx.cid, out, 'Đã lưu tệp') };
    },

    lookup(ctx) {
      const s = needStation(ctx);
      if (typeof s !== 'string') return s;
      const draftId = ctx.url.searchParams.get('draftId');
      const code = ctx.url.searchParams.get('code');
      if (code && !draftId) return handlers.dossier(ctx, code);
      if (!draftId) return errorReply(400, ctx.cid, 'invalid', undefined, { errors: [{ field: 'draftId', message: 'bắt buộc (hoặc code)' }] });
      const d = dossierByDraft(db, draftId);
      if (!d || d.station_id !== s) return errorReply(404, ctx.cid, 'not_found', 'Không có hồ sơ với mã nháp này');
      return { status: 200, body: envelope(200, ctx.cid, { dossierCode: d.dossier_code, receipt: latestReceipt(db, d.dossier_code) }) };
    },

    dossier(ctx, code) {
      const s = needStation(ctx);
      if (typeof s !== 'string') return s;
      const d = dossierByCode(db, code);
      if (!d || d.station_id !== s) return errorReply(404, ctx.cid, 'not_found', 'Không có hồ sơ này');
      return {
        status: 200,
        body: envelope(200, ctx.cid, { dossierCode: d.dossier_code, receipt: latestReceipt(db, d.dossier_code), manifest: JSON.parse(d.manifest_json) as unknown }),
      };
    },

    commit(ctx) {
      const s = needStation(ctx);
      if (typeof s !== 'string') return s;
      const j = parseJson(ctx);
      if (!j.ok) return j.reply;
      const p = manifestSchema.safeParse(j.value);
      if (!p.success) {
        stats.commits.rejected += 1;
        return errorReply(400, ctx.cid, 'invalid', undefined, { errors: zodErrors(p.error) });
      }
      const m = p.data;
      if (m.stationId !== s) {
        stats.commits.rejected += 1;
        return errorReply(403, ctx.cid, 'station_mismatch', 'stationId khác với trạm của mã truy cập');
      }
      if (agencies.length > 0 && !agencies.includes(m.agencyCode)) {
        stats.commits.rejected += 1;
        return errorReply(403, ctx.cid, 'agency_not_allowed', `Máy chủ không tiếp nhận hồ sơ của đơn vị ${m.agencyCode}`);
      }
      const errors: FieldError[] = [];
      const unknownFiles: string[] = [];
      const mismatchedFiles: string[] = [];
      const docs = new Map<string, DocRef>();
      m.components.forEach((c, ci) =>
        c.documents.forEach((d, di) => {
          const row = fileById(db, d.fileId);
          if (!row) {
            unknownFiles.push(d.fileId);
            errors.push({ field: `components[${ci}].documents[${di}].fileId`, message: `Tệp ${d.fileId} chưa có trên máy chủ` });
          } else if (row.sha256 !== d.sha256) {
            mismatchedFiles.push(d.fileId);
            errors.push({ field: `components[${ci}].documents[${di}].sha256`, message: `Mã băm của tệp ${d.fileId} không khớp` });
          } else if (!docs.has(d.sha256)) {
            docs.set(d.sha256, { sha256: d.sha256, fileId: d.fileId, fileName: d.fileName, componentTypeCode: c.typeCode, kind: c.kind });
          }
        }),
      );
      if (errors.length > 0) {
        stats.commits.rejected += 1;
        return errorReply(400, ctx.cid, unknownFiles.length > 0 ? 'unknown_files' : 'hash_mismatch', 'Hồ sơ tham chiếu tệp không hợp lệ', {
          errors,
          unknownFiles,
          mismatchedFiles,
        });
      }
      const out = applyCommit(db, m, [...docs.values()], JSON.stringify(m));
      if (out.kind === 'other_station') {
        stats.commits.rejected += 1;
        return errorReply(403, ctx.cid, 'station_mismatch', 'Mã nháp thuộc trạm khác');
      }
      if (m.auditHead) storeAuditAnchor(db, s, m.draftId, m.auditHead);
      const data = { dossierCode: out.dossierCode, receipt: out.receipt };
      if (out.kind === 'created') {
        stats.commits.created += 1;
        return { status: 201, body: envelope(201, ctx.cid, data, 'Đã tiếp nhận hồ sơ') };
      }
      if (out.kind === 'updated') {
        stats.commits.updated += 1;
        return { status: 200, body: envelope(200, ctx.cid, data, 'Đã cập nhật hồ sơ') };
      }
      stats.commits.conflicts += 1;
      return errorReply(409, ctx.cid, 'already_exists', 'Hồ sơ đã tồn tại', data);
    },
  };

  // ---- routing ----
  const matchJson = (method: string, path: string): { route: keyof typeof handlers; param: string } | null => {
    let m: RegExpExecArray | null;
    if (method === 'POST' && path === '/v1/enrol') return { route: 'enrol', param: '' };
    if (method === 'POST' && path === '/v1/oauth/token') return { route: 'token', param: '' };
    if (method === 'POST' && path === '/v1/dossiers/commit') return { route: 'commit', param: '' };
    if (method === 'GET' && (m = /^\/v1\/files\/by-hash\/([^/]+)$/.exec(path))) return { route: 'by-hash', param: decodeURIComponent(m[1] ?? '') };
    if (method === 'POST' && path === '/v1/files') return { route: 'multipart', param: '' };
    if (method === 'GET' && path === '/v1/dossiers') return { route: 'lookup', param: '' };
    if (method === 'GET' && (m = /^\/v1\/dossiers\/([^/]+)$/.exec(path))) return { route: 'dossier', param: decodeURIComponent(m[1] ?? '') };
    return null;
  };

  /** Applies pre-handling faults; returns true when the request was answered (or lost) by the fault. */
  const preFault = async (res: ServerResponse, d: FaultDecision | null, cid: string, token: string | null, extraHeaders: Record<string, string> = {}): Promise<boolean> => {
    if (!d) return false;
    switch (d.kind) {
      case 'delay':
        faults.hit('delay');
        await sleep(d.param ?? 400);
        return false;
      case '500':
      case '503': {
        faults.hit(d.kind);
        const status = Number(d.kind);
        sendReply(res, { ...errorReply(status, cid, status === 500 ? 'internal' : 'unavailable'), headers: extraHeaders });
        return true;
      }
      case '429':
        faults.hit('429');
        sendReply(res, { ...errorReply(429, cid, 'rate_limited'), headers: { ...extraHeaders, 'Retry-After': String(Math.ceil(d.param ?? 1)) } });
        return true;
      case 'expire-token':
        if (!token) return false;
        expireToken(db, token, tokenClock());
        faults.hit('expire-token');
        sendReply(res, { ...errorReply(401, cid, 'token_expired', 'Phiên đã hết hạn'), headers: extraHeaders });
        return true;
      default:
        return false;
    }
  };

  async function handleJsonRoute(req: IncomingMessage, res: ServerResponse, url: URL, cid: string, route: keyof typeof handlers, param: string): Promise<void> {
    count(route);
    const body = req.method === 'POST' ? await readBody(req, route === 'multipart' ? maxBytes * 2 + 1024 * 1024 : JSON_LIMIT) : Buffer.alloc(0);
    if (body === null) {
      sendReply(res, { ...errorReply(413, cid, 'too_large'), headers: { Connection: 'close' } });
      return;
    }
    const token = bearerOf(req);
    const auth = token ? checkToken(db, token, tokenClock()) : null;
    const d = faults.decide({ route, bearer: auth?.ok === true });
    if (await preFault(res, d, cid, auth?.ok ? token : null)) return;
    const ctx: Ctx = { req, url, body, cid, token, auth: token ? checkToken(db, token, tokenClock()) : null };
    let reply = await handlers[route](ctx, param);
    if (d?.kind === 'duplicate') {
      faults.hit('duplicate');
      reply = await handlers[route]({ ...ctx, auth: token ? checkToken(db, token, tokenClock()) : null }, param);
      reply.headers = { ...reply.headers, 'X-Onestop-Delivery': 'duplicate' };
    }
    if (d?.kind === 'commit-lost' && reply.status >= 200 && reply.status < 300) {
      faults.hit('commit-lost');
      loseReply(res);
      return;
    }
    if (d?.kind === 'truncated') {
      faults.hit('truncated');
      const text = JSON.stringify(reply.body);
      sendRaw(res, reply.status, text.slice(0, Math.floor(text.length / 2)), reply.headers);
      return;
    }
    if (d?.kind === 'malformed') {
      faults.hit('malformed');
      malformedToggle += 1;
      if (malformedToggle % 2 === 1) {
        sendRaw(res, 200, '<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1><hr>nginx</body></html>');
      } else {
        sendRaw(res, 200, JSON.stringify({ code: 'OK', message: 'thành công', data: null }));
      }
      return;
    }
    sendReply(res, reply);
  }

  async function handleDownload(req: IncomingMessage, res: ServerResponse, cid: string, fileId: string): Promise<void> {
    count('download');
    const token = bearerOf(req);
    const auth = token ? checkToken(db, token, tokenClock()) : null;
    const d = faults.decide({ route: 'download', bearer: auth?.ok === true });
    if (await preFault(res, d, cid, auth?.ok ? token : null)) return;
    const a = token ? checkToken(db, token, tokenClock()) : null;
    if (!a?.ok) return sendReply(res, errorReply(401, cid, token ? a?.reason ?? 'token_invalid' : 'token_missing'));
    const f = fileById(db, fileId);
    if (!f) return sendReply(res, errorReply(404, cid, 'not_found', 'Không có tệp này'));
    // Bytes gone from disk: 404 (or a cut reply), never an uncaught error that stops the server.
    const stream = createReadStream(join(filesDir, f.sha256));
    stream.once('error', () => (res.headersSent ? res.destroy() : sendReply(res, errorReply(404, cid, 'not_found', 'Không có tệp này'))));
    stream.once('open', () => {
      res.writeHead(200, { 'Content-Type': 'application/pdf', 'Content-Length': String(f.size), 'X-File-Sha256': f.sha256 });
      stream.pipe(res);
    });
  }

  async function handleTus(req: IncomingMessage, res: ServerResponse, url: URL, cid: string): Promise<void> {
    const method = req.method ?? 'GET';
    const tusHeaders = { 'Tus-Resumable': '1.0.0' };
    const route: Route = method === 'POST' ? 'tus-create' : method === 'HEAD' ? 'tus-head' : method === 'PATCH' ? 'tus-patch' : 'tus-other';
    count(route);
    const idMatch = /^\/v1\/files\/tus\/([^/]+)$/.exec(url.pathname);
    const id = idMatch ? decodeURIComponent(idMatch[1] ?? '') : null;
    const token = bearerOf(req);
    const auth = token ? checkToken(db, token, tokenClock()) : null;
    const rc: RequestClass = { route, bearer: auth?.ok === true };
    if (method === 'PATCH' && id) {
      const len = Number(req.headers['content-length'] ?? 0);
      rc.bodyLength = Number.isFinite(len) ? len : 0;
      const up = await store.getUpload(id).catch(() => null);
      const off = Number(req.headers['upload-offset']);
      rc.completesUpload = !!up && up.size !== undefined && off === up.offset && off + rc.bodyLength === up.size;
    }
    if (method === 'OPTIONS') return void (await tus.handle(req, res));
    const d = faults.decide(rc);
    if (await preFault(res, d, cid, auth?.ok ? token : null, tusHeaders)) return;
    const a = token ? checkToken(db, token, tokenClock()) : null;
    if (!a?.ok) {
      return sendReply(res, { ...errorReply(401, cid, token ? a?.reason ?? 'token_invalid' : 'token_missing'), headers: tusHeaders });
    }
    if (method === 'GET') return sendReply(res, errorReply(404, cid, 'not_found', 'Tải tệp qua /v1/files/{fileId}'));
    const metaSha = method === 'POST' ? parseTusMetadata(req.headers['upload-metadata'] as string | undefined)?.sha256 : id;
    if ((method === 'POST' || method === 'HEAD') && metaSha && fileByHash(db, metaSha)) stats.uploads.redundantRequests += 1;
    if (method === 'POST') {
      if (id) return sendReply(res, { ...errorReply(404, cid, 'not_found'), headers: tusHeaders });
      const meta = parseTusMetadata(req.headers['upload-metadata'] as string | undefined);
      const errors: FieldError[] = [];
      const sha = meta?.sha256 ?? '';
      const fileName = meta?.filename ?? '';
      const ctype = meta?.contentType ?? meta?.filetype ?? '';
      const length = Number(req.headers['upload-length']);
      if (!meta) errors.push({ field: 'Upload-Metadata', message: 'không đọc được' });
      if (!SHA256_RE.test(sha)) errors.push({ field: 'sha256', message: '64 ký tự hex thường' });
      if (fileName.length < 1 || fileName.length > 4000) errors.push({ field: 'filename', message: '1–4000 ký tự' });
      if (ctype !== 'application/pdf') errors.push({ field: 'contentType', message: 'chỉ nhận application/pdf' });
      if (!Number.isInteger(length) || length < 1) errors.push({ field: 'Upload-Length', message: 'bắt buộc, số nguyên ≥ 1 (không hỗ trợ độ dài hoãn)' });
      if (errors.length > 0) return sendReply(res, { ...errorReply(400, cid, 'invalid', undefined, { errors }), headers: tusHeaders });
      if (length > maxBytes) {
        return sendReply(res, { ...errorReply(413, cid, 'too_large', `Tệp vượt quá ${Math.round(maxBytes / 1048576)} MB`), headers: tusHeaders });
      }
      const existing = await store.getUpload(sha).catch(() => null);
      if (existing) {
        stats.uploads.existingAnswered += 1;
        res.writeHead(201, { ...tusHeaders, Location: `${TUS_PATH}/${sha}`, 'Upload-Offset': String(existing.offset), 'Content-Length': '0' });
        res.end();
        return;
      }
      if (creating.has(sha)) {
        // another creation for this hash is in flight: tus clients retry 423
        return sendReply(res, { ...errorReply(423, cid, 'locked', 'Đang tạo tải lên cho tệp này, thử lại'), headers: tusHeaders });
      }
      creating.add(sha);
      try {
        uploaderOf.set(sha, a.stationId);
        await tus.handle(req, res);
      } finally {
        creating.delete(sha);
      }
      if (res.statusCode === 201) stats.uploads.created += 1;
      return;
    }
    if (method === 'DELETE' && id && fileByHash(db, id)) {
      return sendReply(res, { ...errorReply(403, cid, 'forbidden', 'Không xóa được tệp đã lưu'), headers: tusHeaders });
    }
    if (method === 'PATCH' && id) {
      if (!uploaderOf.has(id)) uploaderOf.set(id, a.stationId);
      if (d?.kind === 'drop-upload') store.dropPlans.set(id, { res, after: Math.max(1, Math.floor((rc.bodyLength ?? 2) / 2)), fired: false });
      if (d?.kind === 'orphan') orphanPlans.set(id, res);
      try {
        await tus.handle(req, res);
      } finally {
        const plan = store.dropPlans.get(id);
        if (plan?.res === res) {
          store.dropPlans.delete(id);
          if (plan.fired) faults.hit('drop-upload');
        }
        if (orphanPlans.get(id) === res) orphanPlans.delete(id);
      }
      return;
    }
    await tus.handle(req, res);
  }

  async function handleAdmin(req: IncomingMessage, res: ServerResponse, url: URL, cid: string): Promise<void> {
    count('admin');
    const ok = !!opts.adminToken && bearerOf(req) === opts.adminToken;
    if (!opts.adminToken) return sendReply(res, errorReply(404, cid, 'not_found'));
    if (!ok) return sendReply(res, errorReply(401, cid, 'token_invalid', 'Cần mã quản trị'));
    if (req.method === 'GET' && url.pathname === '/__stats') return sendReply(res, { status: 200, body: envelope(200, cid, api.stats()) });
    if (req.method === 'GET' && url.pathname === '/__state') return sendReply(res, { status: 200, body: envelope(200, cid, api.state()) });
    if (req.method === 'POST' && url.pathname === '/__faults') {
      const body = await readBody(req, JSON_LIMIT);
      try {
        const j = JSON.parse(body?.toString('utf8') ?? '') as { faults?: FaultConfig; random?: boolean; seed?: number; once?: string[] };
        faults.configure(j.faults ?? {}, { random: j.random, seed: j.seed });
        for (const k of j.once ?? []) faults.queue(k as FaultKind);
        return sendReply(res, { status: 200, body: envelope(200, cid, { seed: faults.seed, rates: faults.rates() }) });
      } catch (e) {
        return sendReply(res, errorReply(400, cid, 'invalid', e instanceof Error ? e.message : String(e)));
      }
    }
    return sendReply(res, errorReply(404, cid, 'not_found'));
  }

  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? '/', 'http://onestop.invalid');
    const given = req.headers['x-correlation-id'];
    const cid = typeof given === 'string' && /^[\w.:-]{1,100}$/.test(given) ? given : `c-${randomBytes(8).toString('hex')}`;
    res.setHeader('X-Correlation-Id', cid);
    const run = async (): Promise<void> => {
      const path = url.pathname;
      if (path.startsWith('/__')) return handleAdmin(req, res, url, cid);
      if (modeHandler) return modeHandler(req, res, url, cid);
      if (path === TUS_PATH || path.startsWith(`${TUS_PATH}/`)) return handleTus(req, res, url, cid);
      const j = matchJson(req.method ?? 'GET', path);
      if (j) return handleJsonRoute(req, res, url, cid, j.route, j.param);
      const dl = req.method === 'GET' ? /^\/v1\/files\/(F-[0-9a-f]{16})$/.exec(path) : null;
      if (dl?.[1]) return handleDownload(req, res, cid, dl[1]);
      count('unknown');
      sendReply(res, errorReply(404, cid, 'not_found', `Không có ${req.method} ${path}`));
    };
    run().catch((e: unknown) => {
      if (!res.headersSent && !res.destroyed) sendReply(res, errorReply(500, cid, 'internal', e instanceof Error ? e.message : String(e)));
      else res.destroy();
    });
  };

  const server: Server = opts.tls ? createHttpsServer({ cert: opts.tls.cert, key: opts.tls.key }, onRequest) : createHttpServer(onRequest);
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  let closed = false;
  if (mode !== 'sohoa-v1') {
    openTargetTables(db);
    addPrincipals(db, 'client', opts.clients ?? []);
    addPrincipals(db, 'account', opts.accounts ?? []);
    const modeOpts = { db, faults, filesDir, maxBytes, tokenTtl, count: (r: string) => count(r as Route) };
    modeHandler =
      mode === 'dvc-bo'
        ? createDvcBoMode(modeOpts)
        : createDvcqgMode({ ...modeOpts, dstcode: opts.dstcode ?? 'H15', ...(opts.tls ? { tlsCert: String(opts.tls.cert) } : {}) });
  }

  const api: OneStopServer = {
    mode,
    url: `${opts.tls ? 'https' : 'http'}://${urlHost}:${port}`,
    port,
    dataDir,
    get seed() {
      return faults.seed;
    },
    enrolmentCodes,
    db,
    setFaults: (config, o) => faults.configure(config, o),
    queueFault: (kind, n = 1) => faults.queue(kind, n),
    faultRates: () => faults.rates(),
    stats: () => structuredClone({ ...stats, seed: faults.seed, faults: faults.hits }),
    state: () => (mode === 'sohoa-v1' ? readState(db) : readTargetState(db)),
    close: async () => {
      if (closed) return;
      closed = true;
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      db.close();
    },
  };
  return api;
}

/** True when DIR holds a reference-server database (used by main.ts to say "reusing"). */
export function hasServerData(dir: string): boolean {
  return existsSync(join(dir, 'onestop.db'));
}
