// `--mode dvc-bo`: the iGate "Cổng DVC Bộ" / LGSP integration (spec §4) as that system behaves, not as our client
// would like: OAuth2 token (client credentials or the Keycloak password grant), next dossier code, multipart upload
// (`files` → data[0].{IdTepTin, HashTepTin}, a NEW id on every upload), create dossier keyed by MaHoSo only (409 when it
// exists), look-up by code (Spring page `content[]`), status, GET /files/{id} (the bytes of a file record). Real HTTP codes 400/401/403/404/409/429/502.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import type { Db } from './store';
import { nextDossierCode } from './store';
import { bearerOf, readBody, sendReply, type Reply } from './replies';
import { runFaulted, type ModeEnv, type ModeShape } from './targetHttp';
import {
  addTargetFile,
  checkTargetToken,
  codeIssued,
  expireTargetToken,
  issueCode,
  issueTargetToken,
  principalSecret,
  saveTargetDossier,
  targetDossier,
  targetFile,
} from './targetStore';
import { PROCEDURES } from './catalogue';

export interface TargetModeOptions extends ModeEnv {
  db: Db;
  filesDir: string;
  maxBytes: number;
  tokenTtl: number;
}

const MA_HO_SO = /^[0-9A-Z.]{2,35}-\d{6,8}-\d{4,7}$/; // spec §2: lenient
const DATE = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/; // yyyy-MM-dd HH:mm:ss
const JSON_LIMIT = 1024 * 1024;

function env(code: number, cid: string, message: string, data?: unknown): Record<string, unknown> {
  return data === undefined ? { code, message, correlationId: cid } : { code, message, correlationId: cid, data };
}

const same = (a: string, b: string): boolean => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

function storeBytes(filesDir: string, sha: string, bytes: Buffer): void {
  const tmp = join(filesDir, `.${sha}.${randomBytes(4).toString('hex')}`);
  writeFileSync(tmp, bytes);
  renameSync(tmp, join(filesDir, sha));
}

/** The server's own validation of NoiHoSo (spec §4 step 4); returns the field errors. */
function validate(db: Db, b: Record<string, unknown>): { field: string; message: string }[] {
  const errs: { field: string; message: string }[] = [];
  const req = (k: string, ok: boolean, message: string) => {
    if (!ok) errs.push({ field: k, message });
  };
  const str = (v: unknown, max: number) => typeof v === 'string' && v.length > 0 && v.length <= max;
  req('MaHoSo', typeof b.MaHoSo === 'string' && MA_HO_SO.test(b.MaHoSo), 'sai định dạng mã hồ sơ');
  if (typeof b.MaHoSo === 'string' && MA_HO_SO.test(b.MaHoSo)) req('MaHoSo', codeIssued(db, b.MaHoSo), 'mã hồ sơ không do hệ thống cấp');
  req('MaTTHC', typeof b.MaTTHC === 'string' && /^\d\.\d{6}$/.test(b.MaTTHC), 'mã TTHC dạng 1.001193');
  req('ChuHoSo', str(b.ChuHoSo, 200), 'bắt buộc, tối đa 200 ký tự');
  req('LoaiDoiTuong', [0, 1, 2, 3].includes(b.LoaiDoiTuong as number), 'một trong 0, 1, 2, 3');
  req('MaDonViTiepNhan', typeof b.MaDonViTiepNhan === 'string' && /^[0-9A-Z.]{2,35}$/.test(b.MaDonViTiepNhan), 'mã đơn vị');
  req('NgayNop', typeof b.NgayNop === 'string' && DATE.test(b.NgayNop), 'định dạng yyyy-MM-dd HH:mm:ss');
  req('NgayTiepNhan', typeof b.NgayTiepNhan === 'string' && DATE.test(b.NgayTiepNhan), 'định dạng yyyy-MM-dd HH:mm:ss');
  if (b.TrichYeuHoSo !== undefined) req('TrichYeuHoSo', str(b.TrichYeuHoSo, 1000), 'tối đa 1000 ký tự');
  const nn = b.ThongTinNguoiNop as Record<string, unknown> | undefined;
  const ct = nn?.ThongTinChiTiet as Record<string, unknown> | undefined;
  req('ThongTinNguoiNop.ThongTinChiTiet.TenNguoiNop', str(ct?.TenNguoiNop, 200), 'bắt buộc');
  req('ThongTinNguoiNop.ThongTinChiTiet.SoDinhDanh', typeof ct?.SoDinhDanh === 'string' && /^(\d{9}|\d{12}|[0-9A-Z-]{6,20})$/.test(ct.SoDinhDanh), 'số định danh');
  const tps = b.ThanhPhanHoSo;
  if (!Array.isArray(tps) || tps.length === 0) {
    errs.push({ field: 'ThanhPhanHoSo', message: 'ít nhất một thành phần' });
    return errs;
  }
  tps.forEach((t: Record<string, unknown>, i) => {
    const f = `ThanhPhanHoSo[${i}]`;
    req(`${f}.MaThanhPhanHoSo`, str(t.MaThanhPhanHoSo, 100), 'bắt buộc');
    req(`${f}.TenThanhPhanHoSo`, str(t.TenThanhPhanHoSo, 500), 'bắt buộc, tối đa 500 ký tự');
    req(`${f}.SoLuong`, Number.isInteger(t.SoLuong) && (t.SoLuong as number) >= 1, 'số nguyên ≥ 1');
    req(`${f}.LoaiBan`, [0, 1, 2].includes(t.LoaiBan as number), '0 bản chính, 1 bản sao, 2 bản điện tử');
    const gs = t.GiayToDinhKem;
    if (!Array.isArray(gs)) return errs.push({ field: `${f}.GiayToDinhKem`, message: 'bắt buộc' });
    gs.forEach((g: Record<string, unknown>, j) => {
      const gf = `${f}.GiayToDinhKem[${j}]`;
      const file = typeof g.IdGiayTo === 'string' ? targetFile(db, g.IdGiayTo) : undefined;
      req(`${gf}.IdGiayTo`, !!file, 'không có tệp này');
      if (file) req(`${gf}.HashTepTin`, g.HashTepTin === file.sha256, 'mã băm không khớp tệp đã tải lên');
      req(`${gf}.TenGiayTo`, str(g.TenGiayTo, 4000), 'bắt buộc, tối đa 4000 ký tự');
    });
    return undefined;
  });
  return errs;
}

function filesOf(b: Record<string, unknown>): { fileId: string; sha256: string; componentCode: string }[] {
  return (b.ThanhPhanHoSo as Record<string, unknown>[]).flatMap((t) =>
    (t.GiayToDinhKem as Record<string, unknown>[]).map((g) => ({ fileId: g.IdGiayTo as string, sha256: g.HashTepTin as string, componentCode: t.MaThanhPhanHoSo as string })),
  );
}

export function createDvcBoMode(o: TargetModeOptions): (req: IncomingMessage, res: ServerResponse, url: URL, cid: string) => Promise<void> {
  const { db } = o;
  // One shape per request: expire-token must expire the token THIS request presented.
  const shapeFor = (presented: string | null): ModeShape => ({
    httpError: (status, cid) => env(status, cid, status === 429 ? 'Vượt quá hạn mức yêu cầu' : status === 503 ? 'Dịch vụ tạm thời không khả dụng' : 'Lỗi hệ thống'),
    expired: (cid) => ({ status: 401, body: env(401, cid, 'Token không hợp lệ hoặc đã hết hạn') }),
    expire: () => {
      if (presented) expireTargetToken(db, presented);
    },
  });

  const token = (body: Buffer, cid: string): Reply => {
    const f = new URLSearchParams(body.toString('utf8'));
    const grant = f.get('grant_type');
    const bad = (status: number, error: string, description: string): Reply => ({ status, body: { error, error_description: description } });
    if (grant === 'client_credentials') {
      const id = f.get('client_id') ?? '';
      const secret = principalSecret(db, 'client', id);
      if (!secret || !same(secret, f.get('client_secret') ?? '')) return bad(401, 'invalid_client', 'Sai client_id hoặc client_secret');
      return { status: 200, body: { access_token: issueTargetToken(db, id, o.tokenTtl), expires_in: o.tokenTtl, token_type: 'Bearer', scope: 'dvc' } };
    }
    if (grant === 'password') {
      const user = f.get('username') ?? '';
      const secret = principalSecret(db, 'account', user);
      if (!f.get('client_id')) return bad(400, 'invalid_request', 'client_id bắt buộc');
      if (!secret || !same(secret, f.get('password') ?? '')) return bad(401, 'invalid_grant', 'Sai tài khoản hoặc mật khẩu');
      return { status: 200, body: { access_token: issueTargetToken(db, user, o.tokenTtl), expires_in: o.tokenTtl, token_type: 'Bearer', scope: 'openid' } };
    }
    void cid;
    return bad(400, 'unsupported_grant_type', 'grant_type phải là client_credentials hoặc password');
  };

  const upload = async (req: IncomingMessage, body: Buffer, cid: string): Promise<Reply> => {
    let form: FormData;
    try {
      form = await new Request('http://onestop.invalid/', { method: 'POST', headers: { 'content-type': String(req.headers['content-type'] ?? '') }, body }).formData();
    } catch {
      return { status: 400, body: env(400, cid, 'Cần multipart/form-data với phần "files"') };
    }
    const parts = form.getAll('files').filter((p) => typeof p !== 'string') as unknown as { name: string; arrayBuffer(): Promise<ArrayBuffer> }[];
    if (parts.length === 0) return { status: 400, body: env(400, cid, 'Thiếu phần "files"') };
    const data: { IdTepTin: string; HashTepTin: string; TenTep: string; KichThuoc: number }[] = [];
    for (const p of parts) {
      const bytes = Buffer.from(await p.arrayBuffer());
      if (bytes.length > o.maxBytes) return { status: 413, body: env(413, cid, 'Tệp quá lớn') };
      if (bytes.subarray(0, 5).toString('latin1') !== '%PDF-') return { status: 400, body: env(400, cid, `Tệp ${p.name} không phải PDF`) };
      const sha = createHash('sha256').update(bytes).digest('hex');
      storeBytes(o.filesDir, sha, bytes);
      data.push({ IdTepTin: addTargetFile(db, sha, bytes.length, p.name, ''), HashTepTin: sha, TenTep: p.name, KichThuoc: bytes.length });
    }
    return { status: 200, body: env(200, cid, 'Thành công', data) };
  };

  const parse = (body: Buffer): Record<string, unknown> | null => {
    try {
      const v = JSON.parse(body.toString('utf8')) as unknown;
      return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
    } catch {
      return null;
    }
  };

  const asContent = (code: string): Record<string, unknown> | null => {
    const d = targetDossier(db, code);
    return d ? { ...d.body, idHoSo: d.idHoSo, maHoSo: d.code, code: d.code } : null;
  };

  /**
   * Status message (spec §4 step 6): `[{IdHoSo, MaHoSo, TrangThai, NoiDungXuLy, DanhSachGiayToKetQua[…]}]`; the result
   * list only with status 5, 6, 9. Each result names an uploaded file (GiayToId) with its hash. The list replaces the
   * dossier's result list (a status message states the whole list).
   */
  const statusPush = (body: Buffer, cid: string): Reply => {
    let list: unknown;
    try {
      list = JSON.parse(body.toString('utf8'));
    } catch {
      return { status: 400, body: env(400, cid, 'Nội dung không phải JSON') };
    }
    if (!Array.isArray(list) || list.length === 0) return { status: 400, body: env(400, cid, 'Cần mảng trạng thái hồ sơ') };
    const saves: (() => void)[] = [];
    for (const [i, raw] of (list as unknown[]).entries()) {
      const it = (raw !== null && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
      const d = typeof it.MaHoSo === 'string' ? targetDossier(db, it.MaHoSo) : undefined;
      if (!d) return { status: 404, body: env(404, cid, `Không có hồ sơ ${String(it.MaHoSo)}`) };
      const errors: { field: string; message: string }[] = [];
      const f = `[${i}]`;
      if (it.IdHoSo !== d.idHoSo) errors.push({ field: `${f}.IdHoSo`, message: 'không khớp mã hồ sơ' });
      if (!Number.isInteger(it.TrangThai) || (it.TrangThai as number) < 1 || (it.TrangThai as number) > 10) errors.push({ field: `${f}.TrangThai`, message: '1–10' });
      const kq = it.DanhSachGiayToKetQua;
      const files: { fileId: string; sha256: string; componentCode: string }[] = [];
      if (kq !== undefined) {
        if (![5, 6, 9].includes(it.TrangThai as number)) errors.push({ field: `${f}.DanhSachGiayToKetQua`, message: 'chỉ gửi kèm trạng thái 5, 6, 9' });
        if (!Array.isArray(kq)) errors.push({ field: `${f}.DanhSachGiayToKetQua`, message: 'phải là mảng' });
        for (const [j, kr] of (Array.isArray(kq) ? (kq as unknown[]) : []).entries()) {
          const k = (kr !== null && typeof kr === 'object' ? kr : {}) as Record<string, unknown>;
          const kf = `${f}.DanhSachGiayToKetQua[${j}]`;
          const file = typeof k.GiayToId === 'string' ? targetFile(db, k.GiayToId) : undefined;
          if (!file) errors.push({ field: `${kf}.GiayToId`, message: 'không có tệp này' });
          else if (k.HashTepTin !== file.sha256) errors.push({ field: `${kf}.HashTepTin`, message: 'mã băm không khớp tệp đã tải lên' });
          if (typeof k.TenGiayTo !== 'string' || k.TenGiayTo.length === 0 || k.TenGiayTo.length > 4000) errors.push({ field: `${kf}.TenGiayTo`, message: 'bắt buộc, tối đa 4000 ký tự' });
          if (typeof k.MaThanhPhanHoSo !== 'string' || k.MaThanhPhanHoSo.length === 0) errors.push({ field: `${kf}.MaThanhPhanHoSo`, message: 'bắt buộc' });
          if (file) files.push({ fileId: file.file_id, sha256: file.sha256, componentCode: String(k.MaThanhPhanHoSo) });
        }
      }
      if (errors.length) return { status: 400, body: { ...env(400, cid, 'Dữ liệu trạng thái không hợp lệ'), errors } };
      const next = { ...d.body, TrangThai: it.TrangThai, NoiDungXuLy: it.NoiDungXuLy ?? null, ...(kq !== undefined ? { DanhSachGiayToKetQua: kq } : {}) };
      saves.push(() => saveTargetDossier(db, d.code, next, files));
    }
    // All or nothing: one bad item leaves every dossier as it was.
    db.transaction(() => saves.forEach((save) => save()))();
    return { status: 200, body: env(200, cid, 'Cập nhật trạng thái thành công') };
  };

  return async (req, res, url, cid) => {
    const method = req.method ?? 'GET';
    const path = url.pathname;
    const body = method === 'POST' || method === 'PUT' ? await readBody(req, path === '/files' ? o.maxBytes * 2 + 65536 : JSON_LIMIT) : Buffer.alloc(0);
    if (body === null) return sendReply(res, { status: 413, body: env(413, cid, 'Dữ liệu quá lớn'), headers: { Connection: 'close' } });
    if (method === 'POST' && path === '/oauth/token') return runFaulted(o, res, cid, { route: 'token', bearer: false }, shapeFor(null), () => token(body, cid));
    const presented = bearerOf(req);
    const shape = shapeFor(presented);
    const ok = checkTargetToken(db, presented);
    const m = /^\/dossiers\/([^/]+)$/.exec(path);
    const fileGet = method === 'GET' ? /^\/files\/([^/]+)$/.exec(path) : null;
    if (fileGet?.[1]) {
      // iGate serves a file record's bytes to an authorised caller (the file's downloadURL, spec §3 Files).
      const id = decodeURIComponent(fileGet[1]);
      return runFaulted(o, res, cid, { route: 'download', bearer: ok }, shape, (): Reply => {
        if (!checkTargetToken(db, presented)) return shape.expired(cid);
        const f = targetFile(db, id);
        return f ? { status: 200, body: readFileSync(join(o.filesDir, f.sha256)), headers: { 'Content-Type': 'application/pdf' } } : { status: 404, body: env(404, cid, `Không có tệp ${id}`) };
      });
    }
    const route =
      method === 'POST' && path === '/dossiers/next-code' ? 'next-code'
      : method === 'POST' && path === '/files' ? 'multipart'
      : method === 'POST' && path === '/dossiers' ? 'commit'
      : method === 'POST' && path === '/dossiers/status' ? 'commit'
      : method === 'PUT' && m ? 'commit'
      : method === 'GET' && (path === '/dossiers' || path === '/dossiers/status' || path.startsWith('/procedures')) ? 'lookup'
      : null;
    if (!route) return sendReply(res, { status: 404, body: env(404, cid, `Không có API ${method} ${path}`) });
    return runFaulted(o, res, cid, { route, bearer: ok }, shape, async (): Promise<Reply> => {
      if (!checkTargetToken(db, presented)) return shape.expired(cid);
      if (route === 'next-code') {
        const b = parse(body);
        if (!b || typeof b.code !== 'string' || !/^[0-9A-Z.]{2,35}$/.test(b.code)) return { status: 400, body: env(400, cid, 'Thiếu mã (code)') };
        const value = db.transaction(() => {
          const v = nextDossierCode(db, b.code as string, new Date().toISOString());
          issueCode(db, v);
          return v;
        })();
        return { status: 200, body: { value } };
      }
      if (route === 'multipart') return upload(req, body, cid);
      if (route === 'commit' && path === '/dossiers/status') return statusPush(body, cid);
      if (route === 'commit') {
        const b = parse(body);
        if (!b) return { status: 400, body: env(400, cid, 'Nội dung không phải JSON') };
        const errors = validate(db, b);
        if (errors.length) return { status: 400, body: { ...env(400, cid, 'Dữ liệu hồ sơ không hợp lệ'), errors } };
        const code = b.MaHoSo as string;
        const existing = targetDossier(db, code);
        if (method === 'POST') {
          // MaHoSo is the only key: a second create is refused, whatever it carries.
          if (existing) return { status: 409, body: env(409, cid, `Hồ sơ ${code} đã tồn tại`, { idHoSo: existing.idHoSo, maHoSo: code }) };
          const d = saveTargetDossier(db, code, b, filesOf(b));
          return { status: 200, body: env(200, cid, 'Thành công', { idHoSo: d.idHoSo, maHoSo: code }) };
        }
        if (decodeURIComponent(m![1]!) !== code) return { status: 400, body: env(400, cid, 'MaHoSo khác mã trên đường dẫn') };
        if (!existing) return { status: 404, body: env(404, cid, `Không có hồ sơ ${code}`) };
        const d = saveTargetDossier(db, code, b, filesOf(b));
        return { status: 200, body: env(200, cid, 'Cập nhật thành công', { idHoSo: d.idHoSo, maHoSo: code }) };
      }
      // look-ups
      if (path === '/dossiers') {
        const code = url.searchParams.get('code') ?? '';
        const hit = asContent(code);
        const content = hit ? [hit] : [];
        return { status: 200, body: env(200, cid, 'Thành công', { content, totalElements: content.length, number: 0, size: 20 }) };
      }
      if (path === '/dossiers/status') {
        const d = targetDossier(db, url.searchParams.get('code') ?? '');
        const st = d ? (d.body.TrangThai ?? 2) : 2;
        return { status: 200, body: env(200, cid, 'Thành công', d ? [{ IdHoSo: d.idHoSo, MaHoSo: d.code, TrangThai: st, NoiDungXuLy: d.body.NoiDungXuLy ?? 'Tiếp nhận hồ sơ' }] : []) };
      }
      if (path === '/procedures') return { status: 200, body: env(200, cid, 'Thành công', PROCEDURES.map((p) => ({ MATTHC: p.MATTHC, TENTTHC: p.TENTTHC }))) };
      const p = PROCEDURES.find((x) => `/procedures/${x.MATTHC}` === path);
      return p ? { status: 200, body: env(200, cid, 'Thành công', p) } : { status: 404, body: env(404, cid, 'Không có thủ tục') };
    });
  };
}
