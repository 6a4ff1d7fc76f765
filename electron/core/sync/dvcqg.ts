import { SHA256_PATTERN } from '../../common/ids';
import { StationError } from '../../common/errors';
import {
  MAX_REMOTE_DOCUMENT_BYTES,
  type Credentials,
  type Manifest,
  type ManifestComponent,
  type OneStopAdapter,
  type RawExchange,
  type Receipt,
  type RemoteDocument,
  type RemoteDossier,
  type RemoteFile,
  type RemoteProcedure,
  type UploadSource,
} from './adapter';
import { BodySessionAuth } from './auth';
import type { TargetAdapterOptions } from './dvcBo';
import { parseReply, rawExchange, statusError } from './envelope';
import { HttpClient, type HttpReply } from './http';
import { fit, formatVnDate, type DvcqgConfig } from './targetConfig';


/** Replies of the DVCQG adapter are HTTP 200 with `error_code` in the body (spec §1 Result codes). */
interface QgReply {
  errorCode: unknown;
  message: string;
  raw: Record<string, unknown>;
}

/**
 * The DVCQG adapter protocol (spec §1): body-session login with the `dstcode` header; `TraCuuHoSo` before
 * `DongBoHoSoMC` (isUpdating "True"/"False"); files are never bytes in JSON — each signed PDF is PUT to the
 * configured file endpoint first and its URL sent as `DuongDanTaiTepTin` (DVCQG pulls it). MaHoSo is the
 * natural key and is minted by the caller (`<agency>-yyMMdd-<seq>`), reserved locally before the first call.
 */
export class DvcqgAdapter implements OneStopAdapter {
  readonly protocol = 'dvcqg';
  readonly http: HttpClient;
  private readonly auth: BodySessionAuth | null;
  private readonly agency: string;

  constructor(
    private readonly cfg: DvcqgConfig,
    private readonly opts: TargetAdapterOptions & { agencyCode: string },
  ) {
    this.http = new HttpClient(new URL(opts.serverUrl), { caFile: opts.caFile ?? null, pinCa: opts.pinCa ?? false, timeoutMs: opts.timeoutMs ?? 30_000 });
    this.agency = opts.agencyCode;
    this.auth = opts.credentials
      ? new BodySessionAuth(this.http, opts.credentials, { authPath: cfg.paths.auth, dstcode: cfg.dstcode, madonvi: opts.agencyCode, isSuccess: (c) => this.isCode(c, 'success') })
      : null;
  }

  close(): void {
    this.http.close();
  }

  enrol(): Promise<Credentials> {
    return Promise.reject(new StationError('UNSUPPORTED', 'DVCQG has no enrolment: the province issues an adapter account (sohoa sync configure --credentials-file)'));
  }

  private isCode(code: unknown, kind: keyof DvcqgConfig['errorCodes']): boolean {
    return this.cfg.errorCodes[kind].some((c) => String(c) === String(code) && typeof code !== 'object');
  }

  async ping(): Promise<void> {
    await this.http.request('POST', this.cfg.paths.share, { headers: { 'Content-Type': 'application/json', dstcode: this.cfg.dstcode }, body: '{}' });
  }

  /** LayDanhSachTTHC, then LayThuTuc for each code (THANHPHANHOSO, KETQUATHUCHIEN). */
  async procedures(): Promise<RemoteProcedure[]> {
    const share = this.cfg.paths.share;
    const list = await this.call(share, { service: this.cfg.services.procedures });
    if (!this.isCode(list.errorCode, 'success')) throw this.failure(list, this.cfg.services.procedures);
    const codes = Array.isArray(list.raw.result) ? (list.raw.result as Record<string, unknown>[]).map((x) => x.MATTHC).filter((c): c is string => typeof c === 'string') : [];
    const out: RemoteProcedure[] = [];
    for (const maTTHC of codes) {
      const r = await this.call(share, { service: this.cfg.services.procedure, maTTHC });
      if (!this.isCode(r.errorCode, 'success')) throw this.failure(r, this.cfg.services.procedure);
      const p = Array.isArray(r.raw.result) ? (r.raw.result[0] as RemoteProcedure | undefined) : undefined;
      if (p && typeof p.TENTTHC === 'string') out.push({ ...p, MATTHC: maTTHC });
    }
    return out;
  }

  async test(): Promise<RawExchange[]> {
    const body = { service: this.cfg.services.procedures };
    const reply = await this.rawCall(this.cfg.paths.share, body);
    return [rawExchange(`POST ${this.cfg.paths.share} ${this.cfg.services.procedures}`, reply)];
  }

  private async rawCall(path: string, body: Record<string, unknown>): Promise<HttpReply> {
    if (!this.auth) throw new StationError('NOT_ENROLLED', 'no DVCQG account configured (sohoa sync configure --credentials-file)');
    const m = await this.auth.authorize();
    return this.http.request('POST', path, { headers: { ...m.headers, 'Content-Type': 'application/json' }, body: JSON.stringify({ ...m.bodyFields, ...body }) });
  }

  /** One service call; a session the server no longer knows is renewed once. */
  private async call(path: string, body: Record<string, unknown>): Promise<QgReply> {
    for (let attempt = 0; ; attempt++) {
      const reply = await this.rawCall(path, body);
      if (reply.status !== 200) throw statusError(reply, path);
      const raw = parseReply(reply, path).raw as Record<string, unknown>;
      if (!('error_code' in raw)) throw new StationError('SERVER_REPLY_MALFORMED', `reply to ${String(body.service)} has no error_code`, { path });
      const r = { errorCode: raw.error_code, message: typeof raw.message === 'string' ? raw.message : '', raw };
      if (this.isCode(r.errorCode, 'session') && attempt === 0) {
        this.auth!.invalidate();
        continue;
      }
      return r;
    }
  }

  private failure(r: QgReply, service: string): StationError {
    const details = { service, errorCode: r.errorCode, serverMessage: r.message, correlationId: null };
    if (this.isCode(r.errorCode, 'session')) return new StationError('SERVER_AUTH_FAILED', `${service}: session refused (error_code ${String(r.errorCode)}): ${r.message}`, details);
    if (this.isCode(r.errorCode, 'transient')) return new StationError('SERVER_ERROR', `${service} failed (error_code ${String(r.errorCode)}): ${r.message}`, details);
    return new StationError('SERVER_REJECTED', `${service} refused (error_code ${String(r.errorCode)}): ${r.message}`, details);
  }

  private fileUrl(sha256: string): { put: string; public: string } {
    const put = this.cfg.fileEndpoint.put.replace('{sha256}', sha256);
    const base = this.cfg.fileEndpoint.publicBase;
    return { put, public: base ? new URL(put.split('/').pop()!, base.endsWith('/') ? base : `${base}/`).href : this.http.url(put).href };
  }

  private fileHeaders(): Record<string, string> {
    const c = this.opts.credentials;
    if (!c?.username || !c.password) throw new StationError('NOT_ENROLLED', 'no DVCQG account configured (sohoa sync configure --credentials-file)');
    return { Authorization: `Basic ${Buffer.from(`${c.username}:${c.password}`).toString('base64')}`, dstcode: this.cfg.dstcode };
  }

  /** The file endpoint is content-addressed: HEAD tells whether the bytes are already there. */
  async findFile(sha256: string): Promise<RemoteFile | null> {
    const u = this.fileUrl(sha256);
    const reply = await this.http.request('HEAD', u.put, { headers: this.fileHeaders() });
    if (reply.status === 404) return null;
    if (reply.status !== 200) throw statusError(reply, u.put);
    const size = Number(reply.headers['content-length'] ?? -1);
    return { fileId: u.public, sha256, size };
  }

  async uploadFile(src: UploadSource): Promise<RemoteFile> {
    const u = this.fileUrl(src.sha256);
    const reply = await this.http.request('PUT', u.put, { headers: { ...this.fileHeaders(), 'Content-Type': 'application/pdf' }, body: src.data });
    if (reply.status !== 200 && reply.status !== 201) throw statusError(reply, u.put);
    const found = await this.findFile(src.sha256);
    if (!found) throw new StationError('HASH_MISMATCH', `file endpoint did not keep ${src.sha256.slice(0, 12)}…`, { sha256: src.sha256 });
    return found;
  }

  /** MaHoSo of the draft: the reserved one, else minted now from this station's sequence and reserved. */
  private codeFor(m: Manifest): string {
    const codes = this.opts.codes;
    const have = codes.get(m.draftId);
    if (have) return have;
    const day = formatVnDate(m.receivedAt, 'yyyyMMddHHmmss').slice(2, 8);
    const seq = codes.nextLocalSeq(m.agencyCode, day, this.cfg.codeSequenceStart);
    return codes.reserve(m.draftId, `${m.agencyCode}-${day}-${String(seq).padStart(4, '0')}`);
  }

  async findDossier(draftId: string): Promise<Receipt | null> {
    const code = this.opts.codes.get(draftId);
    return code ? this.lookup(draftId, code) : null;
  }

  /** TraCuuHoSo: the HoSo recorded under CODE (a non-empty result[] means known), or null. */
  private async traCuu(code: string): Promise<Record<string, unknown> | null> {
    const service = this.cfg.services.lookup;
    const r = await this.call(this.cfg.paths.share, { service, mahoso: code });
    if (!this.isCode(r.errorCode, 'success')) throw this.failure(r, service);
    const result = r.raw.result;
    if (!Array.isArray(result)) throw new StationError('SERVER_REPLY_MALFORMED', `${service} reply has no result[]`, { service });
    const hit = (result as unknown[]).find((h) => h !== null && typeof h === 'object' && (h as Record<string, unknown>).MaHoSo === code);
    return (hit as Record<string, unknown> | undefined) ?? null;
  }

  /** The files of a HoSo: TaiLieuNop (intake) and DanhSachGiayToKetQua (results), each with its URL and stated hash. */
  private filesOf(hit: Record<string, unknown>): (RemoteDocument & { fileId: string; deleted: boolean })[] {
    const service = this.cfg.services.lookup;
    const hf = this.cfg.hashField;
    const out: (RemoteDocument & { fileId: string; deleted: boolean })[] = [];
    const take = (list: unknown, kind: 'intake' | 'result', idKey: string, urlKey: string, nameKey: string): void => {
      if (list !== undefined && list !== null && !Array.isArray(list)) throw new StationError('SERVER_REPLY_MALFORMED', `${service} lists ${kind} files that are not an array`, { service });
      for (const t of (list ?? []) as unknown[]) {
        const o = (t !== null && typeof t === 'object' ? t : {}) as Record<string, unknown>;
        const sha = typeof o[hf] === 'string' ? (o[hf] as string).toLowerCase() : '';
        const url = o[urlKey];
        if (!SHA256_PATTERN.test(sha) || typeof url !== 'string') throw new StationError('SERVER_REPLY_MALFORMED', `${service} lists a file without ${hf}/${urlKey}`, { service });
        const resultCode = kind === 'result' && typeof o.MaGiayToKetQua === 'string' && o.MaGiayToKetQua !== '' ? o.MaGiayToKetQua : null;
        out.push({
          ref: url,
          fileId: typeof o[idKey] === 'string' ? (o[idKey] as string) : url,
          sha256: sha,
          fileName: typeof o[nameKey] === 'string' && o[nameKey] !== '' ? (o[nameKey] as string) : `${sha.slice(0, 12)}.pdf`,
          typeCode: typeof o.MaThanhPhanHoSo === 'string' ? o.MaThanhPhanHoSo : '',
          kind,
          resultCode,
          // A result DVCQG holds under its MaGiayToKetQua reaches the citizen's store (spec §1 scoring, §7) [I].
          fromNationalStore: resultCode !== null,
          deleted: String(o.IsDeleted ?? '0') === '1',
        });
      }
    };
    take(hit.TaiLieuNop, 'intake', 'TepDinhKemId', 'DuongDanTaiTepTin', 'TenTepDinhKem');
    take(hit.DanhSachGiayToKetQua, 'result', 'GiayToId', 'DuongDanTepTinKetQua', 'TenGiayTo');
    return out;
  }

  private async lookup(draftId: string, code: string): Promise<Receipt | null> {
    const hit = await this.traCuu(code);
    if (!hit) return null;
    return { draftId, dossierCode: code, files: this.filesOf(hit).map((f) => ({ fileId: f.fileId, sha256: f.sha256 })) };
  }

  /** Reuse look-up (TraCuuHoSo by MaHoSo): the owner's identity numbers and the documents not marked deleted. */
  async remoteDossier(code: string): Promise<RemoteDossier | null> {
    const hit = await this.traCuu(code);
    if (!hit) return null;
    const ids = [hit.SoGiayToChuHoSo, ...(Array.isArray(hit.DinhDanhCHS) ? (hit.DinhDanhCHS as Record<string, unknown>[]).map((d) => d?.SoDinhDanh) : [])];
    return {
      code,
      procedureCode: typeof hit.MaTTHC === 'string' ? hit.MaTTHC : null,
      ownerIds: [...new Set(ids.filter((x): x is string => typeof x === 'string' && x !== ''))],
      documents: this.filesOf(hit)
        .filter((f) => !f.deleted)
        .map(({ fileId: _id, deleted: _d, ...doc }) => doc),
    };
  }

  /** DVCQG pulls files by URL without credentials (spec §1 Attachments): the station reads them the same way. */
  async fetchDocument(doc: RemoteDocument): Promise<Buffer> {
    let url: URL;
    try {
      url = new URL(doc.ref);
    } catch {
      throw new StationError('SERVER_REPLY_MALFORMED', `file reference ${doc.ref.slice(0, 80)} is not a URL`, { ref: doc.ref.slice(0, 200) });
    }
    const reply = await this.http.request('GET', url.href, { maxBytes: MAX_REMOTE_DOCUMENT_BYTES });
    if (reply.status !== 200) throw statusError(reply, url.pathname);
    return reply.body;
  }

  async commit(manifest: Manifest): Promise<{ receipt: Receipt; via: 'commit' | 'conflict' }> {
    if (manifest.resultFor) return this.commitResults(manifest, manifest.resultFor);
    const code = this.codeFor(manifest);
    // TraCuuHoSo first (OpenCPS does): known ⇒ update, else create. No idempotency key exists.
    const known = await this.lookup(manifest.draftId, code);
    if (known) {
      const have = new Set(known.files.map((f) => f.sha256));
      if (manifest.components.every((c) => c.documents.every((d) => have.has(d.sha256)))) return { receipt: known, via: 'conflict' };
    }
    const service = this.cfg.services.sync;
    const send = (updating: boolean) => this.call(this.cfg.paths.integration, { service, isUpdating: updating ? 'True' : 'False', data: [dvcqgHoSo(this.cfg, manifest, code)] });
    let r = await send(known !== null);
    let via: 'commit' | 'conflict' = 'commit';
    // "đã tồn tại" (or code 3/-3): a create whose reply was lost — resend as an update (TD does).
    if (!this.isCode(r.errorCode, 'success') && (this.isCode(r.errorCode, 'exists') || /đã tồn tại/i.test(r.message))) {
      via = 'conflict';
      r = await send(true);
    }
    if (!this.isCode(r.errorCode, 'success')) throw this.failure(r, service);
    const receipt = await this.lookup(manifest.draftId, code);
    if (!receipt) throw new StationError('SERVER_ERROR', `${service} accepted ${code} but ${this.cfg.services.lookup} does not find it yet`, { code });
    return { receipt, via };
  }

  /**
   * The digitised results of dossier CODE (spec §1 DanhSachGiayToKetQua: TenGiayTo, MaThanhPhanHoSo, GiayToId, URL,
   * MaGiayToKetQua): TraCuuHoSo, then DongBoHoSoMC isUpdating "True" with the record as the target holds it and the
   * results it lacks appended. The record's TrangThaiHoSo is left as the target has it: the one-stop system, not the
   * station, moves a dossier through its states [I]. Results the target already lists (a lost reply) are not resent.
   */
  private async commitResults(m: Manifest, code: string): Promise<{ receipt: Receipt; via: 'commit' | 'conflict' }> {
    const service = this.cfg.services.sync;
    const hit = await this.traCuu(code);
    if (!hit) {
      throw new StationError('SERVER_REJECTED', `dossier ${code} is not on the target (yet): its results cannot be attached`, { dossierCode: code, serverMessage: '', correlationId: null });
    }
    const have = new Set(this.filesOf(hit).map((f) => f.sha256));
    const hf = this.cfg.hashField;
    const wanted = dvcqgHoSo(this.cfg, m, code).DanhSachGiayToKetQua as Record<string, unknown>[];
    const missing = wanted.filter((k) => !have.has(String(k[hf])));
    if (missing.length === 0) return { receipt: (await this.lookup(m.draftId, code))!, via: 'conflict' };
    const existing = Array.isArray(hit.DanhSachGiayToKetQua) ? (hit.DanhSachGiayToKetQua as unknown[]) : [];
    const r = await this.call(this.cfg.paths.integration, { service, isUpdating: 'True', data: [{ ...hit, DanhSachGiayToKetQua: [...existing, ...missing] }] });
    if (!this.isCode(r.errorCode, 'success')) throw this.failure(r, service);
    const receipt = await this.lookup(m.draftId, code);
    if (!receipt) throw new StationError('SERVER_ERROR', `${service} accepted the results of ${code} but ${this.cfg.services.lookup} does not find it`, { code });
    return { receipt, via: 'commit' };
  }
}

/**
 * One HoSo (spec §1) with every scored field: TaiLieuNop[] per intake document (DuocSoHoa, MaThanhPhanHoSo,
 * DuocTaiSuDung, DuocLayTuKhoDMQG, MaKetQuaThayThe, DuongDanTaiTepTin = the document's fileId, i.e. its URL) and
 * DanhSachGiayToKetQua[] per result document (MaGiayToKetQua). Also written by `sohoa export` (dvcqg.json).
 */
export function dvcqgHoSo(c: DvcqgConfig, m: Manifest, code: string): Record<string, unknown> {
  const e = c.enums;
  const lim = c.limits;
  const at = formatVnDate(m.receivedAt, c.dateFormat);
  const hf = c.hashField;
  const intake = m.components.filter((x) => x.kind === 'intake');
  const results = m.components.filter((x) => x.kind === 'result');
  const tai = (x: ManifestComponent) =>
    x.documents.map((d) => ({
      TepDinhKemId: d.sha256.slice(0, 32),
      TenTepDinhKem: fit(lim, 'TenTepDinhKem', d.fileName),
      IsDeleted: '0',
      MaThanhPhanHoSo: x.typeCode,
      DuongDanTaiTepTin: d.fileId,
      DuocSoHoa: String(x.digitised),
      DuocTaiSuDung: String(e.DuocTaiSuDung[x.reuse]),
      DuocLayTuKhoDMQG: String(x.fromNationalStore),
      MaKetQuaThayThe: x.replacedResultCode ?? '',
      [hf]: d.sha256,
    }));
  return {
    MaHoSo: code,
    SoBienNhan: code,
    MaTTHC: m.procedureCode,
    DonViXuLy: m.agencyCode,
    ChuHoSo: fit(lim, 'ChuHoSo', m.owner.name),
    LoaiDoiTuong: String(e.LoaiDoiTuong[m.owner.kind]),
    SoGiayToChuHoSo: m.owner.id,
    DinhDanhCHS: [{ LoaiDinhDanh: String(e.LoaiDinhDanh[m.owner.idType]), SoDinhDanh: m.owner.id }],
    KenhThucHien: String(m.channel),
    TrichYeuHoSo: fit(lim, 'TrichYeuHoSo', m.summary),
    NgayNopHoSo: at,
    NgayTiepNhan: at,
    TrangThaiHoSo: String(e.TrangThaiHoSo.received),
    HoSoCoThanhPhanSoHoa: intake.some((x) => x.digitised === 1) ? '1' : '0',
    TaiLieuNop: intake.flatMap(tai),
    DanhSachGiayToKetQua: results.flatMap((x) =>
      x.documents.map((d) => ({
        TenGiayTo: fit(lim, 'TenTepDinhKem', x.name),
        MaThanhPhanHoSo: x.typeCode,
        GiayToId: d.sha256.slice(0, 32),
        DuongDanTepTinKetQua: d.fileId,
        MaGiayToKetQua: x.resultCode ?? '',
        [hf]: d.sha256,
      })),
    ),
  };
}
