import { SHA256_PATTERN } from '../../common/ids';
import { StationError } from '../../common/errors';
import {
  MAX_REMOTE_DOCUMENT_BYTES,
  type AuthStrategy,
  type Credentials,
  type DossierCodeBook,
  type Manifest,
  type OneStopAdapter,
  type RawExchange,
  type Receipt,
  type RemoteDocument,
  type RemoteDossier,
  type RemoteFile,
  type RemoteProcedure,
  type UploadSource,
} from './adapter';
import { TokenAuth } from './auth';
import { multipartBody, parseReply, rawExchange, statusError } from './envelope';
import { HttpClient, type HttpReply } from './http';
import { fit, formatVnDate, type DvcBoConfig } from './targetConfig';


export interface TargetAdapterOptions {
  serverUrl: string;
  caFile?: string | null;
  pinCa?: boolean;
  timeoutMs?: number;
  credentials: Credentials | null;
  codes: DossierCodeBook;
}

/**
 * iGate "Cổng DVC Bộ" over LGSP (spec §4): token → next dossier code → multipart upload of each signed PDF
 * (`files` part → {IdTepTin, HashTepTin}) → create the dossier (NoiHoSo: ThanhPhanHoSo[].GiayToDinhKem[],
 * ThongTinNguoiNop, dates `yyyy-MM-dd HH:mm:ss`) → status reads. No idempotency key exists: the MaHoSo is
 * reserved locally before the create, and the dossier is looked up by it before every create.
 * File uploads are not idempotent (every POST makes a new id): an upload whose reply was lost leaves an
 * orphan file on the server, which is harmless (nothing references it).
 */
export class DvcBoAdapter implements OneStopAdapter {
  readonly protocol = 'dvc-bo';
  readonly http: HttpClient;
  private readonly auth: AuthStrategy | null;

  constructor(
    private readonly cfg: DvcBoConfig,
    private readonly opts: TargetAdapterOptions,
  ) {
    this.http = new HttpClient(new URL(opts.serverUrl), { caFile: opts.caFile ?? null, pinCa: opts.pinCa ?? false, timeoutMs: opts.timeoutMs ?? 30_000 });
    const a = cfg.auth;
    this.auth = opts.credentials
      ? new TokenAuth(this.http, opts.credentials, a.kind === 'oidc-password'
          ? { tokenPath: a.tokenPath, grant: 'password', style: 'form', clientId: a.clientId }
          : { tokenPath: a.tokenPath, grant: 'client_credentials', style: a.style })
      : null;
  }

  close(): void {
    this.http.close();
  }

  enrol(): Promise<Credentials> {
    return Promise.reject(new StationError('UNSUPPORTED', 'DVC Bộ has no enrolment: the province issues client credentials (sohoa sync configure --credentials-file)'));
  }

  async ping(): Promise<void> {
    await this.http.request('GET', this.path('status', 'PING'));
  }

  async test(): Promise<RawExchange[]> {
    const path = this.path('status', 'PING');
    return [rawExchange(`GET ${path}`, await this.authed('GET', path))];
  }

  private path(key: Exclude<keyof DvcBoConfig['paths'], 'download' | 'results'>, code = ''): string {
    return this.cfg.paths[key].replace('{code}', encodeURIComponent(code));
  }

  private async authed(method: string, path: string, body?: { json?: unknown; raw?: Buffer; contentType?: string }, maxBytes?: number): Promise<HttpReply> {
    if (!this.auth) throw new StationError('NOT_ENROLLED', 'no DVC Bộ credentials configured (sohoa sync configure --credentials-file)');
    for (let attempt = 0; ; attempt++) {
      const m = await this.auth.authorize();
      const payload = body?.raw ?? (body?.json !== undefined ? Buffer.from(JSON.stringify(body.json), 'utf8') : undefined);
      const reply = await this.http.request(method, path, {
        headers: { ...m.headers, ...(payload ? { 'Content-Type': body?.contentType ?? 'application/json' } : {}) },
        ...(payload ? { body: payload } : {}),
        ...(maxBytes ? { maxBytes } : {}),
      });
      // 401 = token missing/expired (spec §4): fetch a new one once.
      if (reply.status === 401 && attempt === 0) {
        this.auth.invalidate();
        continue;
      }
      return reply;
    }
  }

  /** `procedures` (list) then `procedure` per code, LayThuTuc-shaped (the bundled paths; a province may differ). */
  async procedures(): Promise<RemoteProcedure[]> {
    const listPath = this.path('procedures');
    const reply = await this.authed('GET', listPath);
    if (reply.status !== 200) throw statusError(reply, listPath);
    const list = parseReply(reply, listPath).data;
    const out: RemoteProcedure[] = [];
    for (const item of Array.isArray(list) ? (list as Record<string, unknown>[]) : []) {
      if (typeof item.MATTHC !== 'string') continue;
      const path = this.path('procedure', item.MATTHC);
      const r = await this.authed('GET', path);
      if (r.status !== 200) throw statusError(r, path);
      const p = parseReply(r, path).data as RemoteProcedure | undefined;
      if (p && typeof p.TENTTHC === 'string') out.push({ ...p, MATTHC: item.MATTHC });
    }
    return out;
  }

  /** DVC Bộ has no look-up by content hash: every document not yet recorded is uploaded. */
  findFile(): Promise<RemoteFile | null> {
    return Promise.resolve(null);
  }

  async uploadFile(src: UploadSource): Promise<RemoteFile> {
    const path = this.path('upload');
    const mp = multipartBody(this.cfg.uploadPart, src.fileName, 'application/pdf', src.data);
    const reply = await this.authed('POST', path, { raw: mp.body, contentType: mp.contentType });
    if (reply.status !== 200 && reply.status !== 201) throw statusError(reply, path);
    const data = parseReply(reply, path).data;
    const first = (Array.isArray(data) ? data[0] : undefined) as Record<string, unknown> | undefined;
    if (!first || typeof first.IdTepTin !== 'string' || typeof first.HashTepTin !== 'string') {
      throw new StationError('SERVER_REPLY_MALFORMED', 'upload reply has no data[0].{IdTepTin, HashTepTin}', { path });
    }
    const hash = first.HashTepTin.toLowerCase();
    if (hash !== src.sha256) {
      throw new StationError('HASH_MISMATCH', `server stored ${first.IdTepTin} with hash ${hash.slice(0, 12)}…, sent ${src.sha256.slice(0, 12)}…`, { fileId: first.IdTepTin });
    }
    return { fileId: first.IdTepTin, sha256: src.sha256, size: src.size };
  }

  async findDossier(draftId: string): Promise<Receipt | null> {
    const code = this.opts.codes.get(draftId);
    return code ? this.lookup(draftId, code) : null;
  }

  /** The dossier search by code (iGate `pa/dossier/search?code=`: a Spring page `content[]`), or null. */
  private async search(code: string): Promise<Record<string, unknown> | null> {
    const path = this.path('lookup', code);
    const reply = await this.authed('GET', path);
    if (reply.status === 404) return null;
    if (reply.status !== 200) throw statusError(reply, path);
    const data = (parseReply(reply, path).data ?? {}) as { content?: unknown };
    if (!Array.isArray(data.content)) throw new StationError('SERVER_REPLY_MALFORMED', `look-up of ${code} has no content[]`, { path });
    const hit = (data.content as unknown[]).find((d) => d !== null && typeof d === 'object' && ((d as Record<string, unknown>).maHoSo === code || (d as Record<string, unknown>).MaHoSo === code));
    return (hit as Record<string, unknown> | undefined) ?? null;
  }

  /** ThanhPhanHoSo[].GiayToDinhKem[] of a found dossier: file id, stated hash, component code, MaKetQua. */
  private filesOf(hit: Record<string, unknown>, code: string): RemoteDocument[] {
    const out: RemoteDocument[] = [];
    const bad = (what: string) => new StationError('SERVER_REPLY_MALFORMED', `look-up of ${code} lists ${what}`, { path: this.path('lookup', code) });
    const tps = hit.ThanhPhanHoSo ?? [];
    if (!Array.isArray(tps)) throw bad('components that are not an array');
    for (const tp of tps as unknown[]) {
      const t = (tp !== null && typeof tp === 'object' ? tp : {}) as Record<string, unknown>;
      const gs = t.GiayToDinhKem ?? [];
      if (!Array.isArray(gs)) throw bad('files that are not an array');
      for (const gd of gs as unknown[]) {
        const g = (gd !== null && typeof gd === 'object' ? gd : {}) as Record<string, unknown>;
        const sha = typeof g.HashTepTin === 'string' ? g.HashTepTin.toLowerCase() : '';
        if (typeof g.IdGiayTo !== 'string' || !SHA256_PATTERN.test(sha)) throw bad('a malformed file');
        const resultCode = typeof g.MaKetQua === 'string' && g.MaKetQua !== '' ? g.MaKetQua : null;
        out.push({
          ref: g.IdGiayTo,
          sha256: sha,
          fileName: typeof g.TenGiayTo === 'string' && g.TenGiayTo !== '' ? g.TenGiayTo : `${sha.slice(0, 12)}.pdf`,
          typeCode: typeof t.MaThanhPhanHoSo === 'string' ? t.MaThanhPhanHoSo : '',
          kind: resultCode ? 'result' : 'intake',
          resultCode,
          // The provincial system is not the citizen's store on DVCQG (spec §7).
          fromNationalStore: false,
        });
      }
    }
    // Results the station (or the agency) delivered with a status push (spec §4 step 6).
    const kq = hit.DanhSachGiayToKetQua ?? [];
    if (!Array.isArray(kq)) throw bad('results that are not an array');
    for (const kd of kq as unknown[]) {
      const k = (kd !== null && typeof kd === 'object' ? kd : {}) as Record<string, unknown>;
      const sha = typeof k.HashTepTin === 'string' ? k.HashTepTin.toLowerCase() : '';
      if (typeof k.GiayToId !== 'string' || !SHA256_PATTERN.test(sha)) throw bad('a malformed result file');
      out.push({
        ref: k.GiayToId,
        sha256: sha,
        fileName: typeof k.TenGiayTo === 'string' && k.TenGiayTo !== '' ? k.TenGiayTo : `${sha.slice(0, 12)}.pdf`,
        typeCode: typeof k.MaThanhPhanHoSo === 'string' ? k.MaThanhPhanHoSo : '',
        kind: 'result',
        resultCode: typeof k.MaGiayToKetQua === 'string' && k.MaGiayToKetQua !== '' ? k.MaGiayToKetQua : null,
        fromNationalStore: false,
      });
    }
    return out;
  }

  private async lookup(draftId: string, code: string): Promise<Receipt | null> {
    const hit = await this.search(code);
    if (!hit) return null;
    return { draftId, dossierCode: code, files: this.filesOf(hit, code).map((f) => ({ fileId: f.ref, sha256: f.sha256 })) };
  }

  /** Reuse look-up: the dossier found by code, with the submitter's and the owner's identity numbers. */
  async remoteDossier(code: string): Promise<RemoteDossier | null> {
    const hit = await this.search(code);
    if (!hit) return null;
    const nn = (hit.ThongTinNguoiNop ?? {}) as Record<string, unknown>;
    const ct = (nn.ThongTinChiTiet ?? {}) as Record<string, unknown>;
    const ids = [nn.IdDoiTuong, ct.SoDinhDanh, ct.SoDinhDanhChuHs].filter((x): x is string => typeof x === 'string' && x !== '');
    return { code, procedureCode: typeof hit.MaTTHC === 'string' ? hit.MaTTHC : null, ownerIds: [...new Set(ids)], documents: this.filesOf(hit, code) };
  }

  /** GET the file by its id (`paths.download`); a target file without that path cannot serve reuse. */
  async fetchDocument(doc: RemoteDocument): Promise<Buffer> {
    const tpl = this.cfg.paths.download;
    if (!tpl) throw new StationError('UNSUPPORTED', 'the target configuration has no paths.download: documents cannot be fetched for reuse');
    const path = tpl.replace('{id}', encodeURIComponent(doc.ref));
    const reply = await this.authed('GET', path, undefined, MAX_REMOTE_DOCUMENT_BYTES);
    if (reply.status !== 200) throw statusError(reply, path);
    return reply.body;
  }

  private async nextCode(manifest: Manifest): Promise<string> {
    const path = this.path('nextCode');
    const reply = await this.authed('POST', path, { json: { code: this.cfg.codeFor === 'agency' ? manifest.agencyCode : manifest.procedureCode } });
    if (reply.status !== 200) throw statusError(reply, path);
    const value = (parseReply(reply, path).raw as Record<string, unknown>).value ?? (parseReply(reply, path).data as Record<string, unknown> | undefined)?.value;
    if (typeof value !== 'string' || value.length === 0) throw new StationError('SERVER_REPLY_MALFORMED', 'next-code reply has no value', { path });
    return value;
  }

  /** The NoiHoSo body of spec §4 step 4. */
  body(m: Manifest, code: string): Record<string, unknown> {
    const c = this.cfg;
    const e = c.enums;
    const lim = c.limits;
    const received = formatVnDate(m.receivedAt, c.dateFormat);
    return {
      MaHoSo: code,
      MaTTHC: m.procedureCode,
      MaDichVuCong: m.procedureCode,
      ChuHoSo: fit(lim, 'ChuHoSo', m.owner.name),
      LoaiDoiTuong: e.LoaiDoiTuong[m.owner.kind],
      MaDonViTiepNhan: m.agencyCode,
      NgayNop: received,
      NgayTiepNhan: received,
      TrichYeuHoSo: fit(lim, 'TrichYeuHoSo', m.summary),
      KenhThucHien: m.channel,
      EformThongTinChiTiet: {},
      ThanhPhanHoSo: m.components
        .filter((x) => x.documents.length > 0)
        .map((x) => ({
          MaThanhPhanHoSo: x.typeCode,
          TenThanhPhanHoSo: fit(lim, 'TenThanhPhanHoSo', x.name),
          SoLuong: x.documents.length,
          LoaiBan: e.LoaiBan[x.copyType],
          // Scored downstream on DVCQG (spec §1): carried so the provincial system can forward them [I].
          DuocSoHoa: x.digitised,
          DuocTaiSuDung: e.DuocTaiSuDung[x.reuse],
          DuocLayTuKhoDMQG: x.fromNationalStore,
          MaKetQuaThayThe: x.replacedResultCode ?? '',
          GiayToDinhKem: x.documents.map((d) => ({
            IdGiayTo: d.fileId,
            HashTepTin: d.sha256,
            TenGiayTo: fit(lim, 'TenGiayTo', d.fileName),
            MaKetQua: x.resultCode ?? '',
          })),
        })),
      ThongTinNguoiNop: {
        LoaiDoiTuong: e.LoaiDoiTuong[m.owner.kind],
        IdDoiTuong: m.owner.id,
        ThongTinChiTiet: { TenNguoiNop: fit(lim, 'ChuHoSo', m.owner.name), SoDinhDanh: m.owner.id, TenChuHs: fit(lim, 'ChuHoSo', m.owner.name), SoDinhDanhChuHs: m.owner.id },
      },
    };
  }

  async commit(manifest: Manifest): Promise<{ receipt: Receipt; via: 'commit' | 'conflict' }> {
    if (manifest.resultFor) return this.commitResults(manifest, manifest.resultFor);
    const codes = this.opts.codes;
    let code = codes.get(manifest.draftId);
    // Look up before create: a create whose reply was lost is found here (the target has no idempotency key).
    const known = code ? await this.lookup(manifest.draftId, code) : null;
    if (!code) code = codes.reserve(manifest.draftId, await this.nextCode(manifest));
    const body = this.body(manifest, code);
    if (known) {
      const have = new Set(known.files.map((f) => f.sha256));
      if (manifest.components.every((c) => c.documents.every((d) => have.has(d.sha256)))) return { receipt: known, via: 'conflict' };
      const path = this.path('update', code);
      const reply = await this.authed('PUT', path, { json: body });
      if (reply.status !== 200) throw statusError(reply, path);
      return { receipt: await this.readBack(manifest.draftId, code), via: 'commit' };
    }
    const path = this.path('create');
    const reply = await this.authed('POST', path, { json: body });
    if (reply.status === 409) return { receipt: await this.readBack(manifest.draftId, code), via: 'conflict' };
    if (reply.status !== 200 && reply.status !== 201) throw statusError(reply, path);
    const data = (parseReply(reply, path).data ?? {}) as Record<string, unknown>;
    if (data.maHoSo !== code) throw new StationError('SERVER_REPLY_MALFORMED', `create of ${code} answered ${String(data.maHoSo)}`, { path });
    return { receipt: await this.readBack(manifest.draftId, code), via: 'commit' };
  }

  /**
   * The digitised results of dossier CODE as the status message of spec §4 step 6: `[{IdHoSo, MaHoSo, TrangThai,
   * NoiDungXuLy, DanhSachGiayToKetQua[…]}]` — the result list travels only with status 5, 6 or 9, so TrangThai is the
   * configured `resultStatus` (9 Đã xử lý xong: a signed result exists). Items are shaped as DVCQG's
   * (TenGiayTo, MaThanhPhanHoSo, GiayToId = the uploaded IdTepTin, MaGiayToKetQua) plus HashTepTin [I]; the list sent is
   * the target's list with the missing results appended (a status message states the whole list).
   */
  private async commitResults(m: Manifest, code: string): Promise<{ receipt: Receipt; via: 'commit' | 'conflict' }> {
    const tpl = this.cfg.paths.results;
    if (!tpl) throw new StationError('UNSUPPORTED', 'the target configuration has no paths.results: export the results (sohoa export) and attach them by hand');
    const hit = await this.search(code);
    if (!hit) throw new StationError('SERVER_REJECTED', `dossier ${code} is not on the target (yet): its results cannot be attached`, { dossierCode: code, serverMessage: '', correlationId: null });
    const have = new Set(this.filesOf(hit, code).map((f) => f.sha256));
    const lim = this.cfg.limits;
    const missing = m.components
      .filter((x) => x.kind === 'result')
      .flatMap((x) =>
        x.documents.map((d) => ({ TenGiayTo: fit(lim, 'TenGiayTo', d.fileName), MaThanhPhanHoSo: x.typeCode, GiayToId: d.fileId, HashTepTin: d.sha256, MaGiayToKetQua: x.resultCode ?? '' })),
      )
      .filter((k) => !have.has(k.HashTepTin));
    if (missing.length === 0) return { receipt: await this.readBack(m.draftId, code), via: 'conflict' };
    const idHoSo = hit.idHoSo ?? hit.IdHoSo ?? hit.id;
    if (typeof idHoSo !== 'string') throw new StationError('SERVER_REPLY_MALFORMED', `look-up of ${code} has no idHoSo`, { path: this.path('lookup', code) });
    const existing = Array.isArray(hit.DanhSachGiayToKetQua) ? (hit.DanhSachGiayToKetQua as unknown[]) : [];
    const path = tpl.replace('{code}', encodeURIComponent(code));
    const body = [{ IdHoSo: idHoSo, MaHoSo: code, TrangThai: this.cfg.resultStatus, NoiDungXuLy: 'Số hóa kết quả giải quyết', DanhSachGiayToKetQua: [...existing, ...missing] }];
    const reply = await this.authed('POST', path, { json: body });
    if (reply.status !== 200) throw statusError(reply, path);
    return { receipt: await this.readBack(m.draftId, code), via: 'commit' };
  }

  /** The receipt is what the server lists for the code, never what we sent. */
  private async readBack(draftId: string, code: string): Promise<Receipt> {
    const r = await this.lookup(draftId, code);
    if (!r) throw new StationError('SERVER_ERROR', `dossier ${code} was accepted but the look-up does not find it yet`, { code });
    return r;
  }
}
