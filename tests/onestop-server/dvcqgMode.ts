// `--mode dvcqg`: the DVCQG adapter protocol (spec §1) as it behaves: `dstcode` header, body session from
// `POST auth {username, password}`, services by name in the body, HTTP 200 with `error_code` (0 / "0" / "00" success,
// "3" already exists, "-4" session gone, "-1" transient, "-2" invalid), no idempotency key (MaHoSo is the key,
// isUpdating "True"/"False" is the caller's choice). Files are never bytes in JSON: the server GETs every
// DuongDanTaiTepTin / DuongDanTepTinKetQua URL and checks the sha256 the record states (HashTepTin) before it keeps
// the dossier. The province's file endpoint the station uploads to is served here too: PUT/HEAD/GET /tep/{sha256}.pdf.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream, renameSync, writeFileSync } from 'node:fs';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import { join } from 'node:path';
import { PROCEDURES } from './catalogue';
import type { TargetModeOptions } from './dvcBoMode';
import { readBody, sendReply, type Reply } from './replies';
import { runFaulted, type ModeShape } from './targetHttp';
import {
  addTargetFile,
  checkTargetToken,
  expireTargetToken,
  issueTargetToken,
  principalSecret,
  qStoreHas,
  qStorePut,
  saveTargetDossier,
  targetDossier,
} from './targetStore';

const MA_HO_SO = /^[0-9A-Z.]{2,35}-\d{6,8}-\d{4,7}$/;
const DATE14 = /^\d{14}$/; // yyyyMMddHHmmss
const SHA = /^[0-9a-f]{64}$/;
const JSON_LIMIT = 1024 * 1024;

const ok = (extra: Record<string, unknown> = {}, message = 'Thành công'): Reply => ({ status: 200, body: { error_code: '0', message, ...extra } });
const fail = (code: string, message: string): Reply => ({ status: 200, body: { error_code: code, message } });

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** GETs URL (the station's file endpoint) with a size cap; the server's own certificate is trusted for https. */
function fetchBytes(url: string, max: number, ca: string | undefined): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const mod = u.protocol === 'https:' ? https : http;
    const req = mod.get(u, { timeout: 30_000, ...(u.protocol === 'https:' && ca ? { ca } : {}) }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        return reject(new Error(`HTTP ${res.statusCode}`));
      }
      const chunks: Buffer[] = [];
      let n = 0;
      res.on('data', (c: Buffer) => {
        n += c.length;
        if (n > max) req.destroy(new Error('too large'));
        else chunks.push(c);
      });
      res.on('end', () => resolve(Buffer.concat(chunks)));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

interface FileRef {
  url: string;
  sha256: string;
  componentCode: string;
  name: string;
}

/** The server's own checks of one HoSo (spec §1 field list; TD's limits). */
function validate(h: Record<string, unknown>, hashField: string): { errors: string[]; files: FileRef[] } {
  const errors: string[] = [];
  const files: FileRef[] = [];
  const need = (ok: boolean, msg: string) => {
    if (!ok) errors.push(msg);
  };
  const s = (v: unknown) => typeof v === 'string';
  need(s(h.MaHoSo) && MA_HO_SO.test(h.MaHoSo as string), 'MaHoSo sai định dạng');
  need(s(h.MaTTHC) && /^\d\.\d{6}$/.test(h.MaTTHC as string), 'MaTTHC sai định dạng');
  need(s(h.ChuHoSo) && (h.ChuHoSo as string).length > 0 && (h.ChuHoSo as string).length <= 200, 'ChuHoSo bắt buộc');
  need(['1', '2', '3', '4'].includes(h.LoaiDoiTuong as string), 'LoaiDoiTuong phải là 1–4');
  need(['1', '2', '3'].includes(h.KenhThucHien as string), 'KenhThucHien phải là 1–3');
  need(s(h.TrichYeuHoSo) && (h.TrichYeuHoSo as string).length >= 1 && (h.TrichYeuHoSo as string).length <= 1000, 'TrichYeuHoSo 1–1000 ký tự');
  need(s(h.NgayTiepNhan) && DATE14.test(h.NgayTiepNhan as string), 'NgayTiepNhan dạng yyyyMMddHHmmss');
  need(s(h.NgayNopHoSo) && DATE14.test(h.NgayNopHoSo as string), 'NgayNopHoSo dạng yyyyMMddHHmmss');
  need(['0', '1'].includes(h.HoSoCoThanhPhanSoHoa as string), 'HoSoCoThanhPhanSoHoa phải là 0/1');
  const dd = h.DinhDanhCHS;
  need(
    Array.isArray(dd) && dd.length > 0 && dd.every((d: Record<string, unknown>) => (d.LoaiDinhDanh === '1' ? /^\d{12}$/ : d.LoaiDinhDanh === '2' ? /^\d{9}$/ : /^.{1,50}$/).test(String(d.SoDinhDanh))),
    'DinhDanhCHS: LoaiDinhDanh 1 = CCCD 12 số, 2 = CMND 9 số',
  );
  const tl = Array.isArray(h.TaiLieuNop) ? (h.TaiLieuNop as Record<string, unknown>[]) : null;
  need(tl !== null, 'TaiLieuNop bắt buộc');
  (tl ?? []).forEach((t, i) => {
    const f = `TaiLieuNop[${i}]`;
    need(s(t.MaThanhPhanHoSo) && (t.MaThanhPhanHoSo as string).length > 0, `${f}.MaThanhPhanHoSo bắt buộc`);
    need(s(t.TenTepDinhKem) && (t.TenTepDinhKem as string).length > 0 && (t.TenTepDinhKem as string).length <= 4000, `${f}.TenTepDinhKem 1–4000 ký tự`);
    need(['0', '1'].includes(t.DuocSoHoa as string), `${f}.DuocSoHoa phải là 0/1`);
    need(['0', '1', '2'].includes(t.DuocTaiSuDung as string), `${f}.DuocTaiSuDung phải là 0/1/2`);
    need(['0', '1'].includes(t.DuocLayTuKhoDMQG as string), `${f}.DuocLayTuKhoDMQG phải là 0/1`);
    if (t.DuocTaiSuDung === '2') need(s(t.MaKetQuaThayThe) && (t.MaKetQuaThayThe as string).length > 0, `${f}.MaKetQuaThayThe bắt buộc khi DuocTaiSuDung = 2`);
    const url = t.DuongDanTaiTepTin;
    const sha = t[hashField];
    need(s(url) && /^https?:\/\//.test(url as string), `${f}.DuongDanTaiTepTin phải là URL`);
    need(s(sha) && SHA.test(sha as string), `${f}.${hashField} phải là sha256`);
    if (s(url) && s(sha)) files.push({ url: url as string, sha256: sha as string, componentCode: String(t.MaThanhPhanHoSo), name: String(t.TenTepDinhKem) });
  });
  const kq = Array.isArray(h.DanhSachGiayToKetQua) ? (h.DanhSachGiayToKetQua as Record<string, unknown>[]) : [];
  kq.forEach((k, i) => {
    const url = k.DuongDanTepTinKetQua;
    const sha = k[hashField];
    need(s(url) && /^https?:\/\//.test(url as string) && s(sha) && SHA.test(sha as string), `DanhSachGiayToKetQua[${i}]: URL và ${hashField}`);
    if (s(url) && s(sha)) files.push({ url: url as string, sha256: sha as string, componentCode: String(k.MaThanhPhanHoSo), name: String(k.TenGiayTo) });
  });
  return { errors, files };
}

export function createDvcqgMode(o: TargetModeOptions & { dstcode: string; tlsCert?: string }): (req: IncomingMessage, res: ServerResponse, url: URL, cid: string) => Promise<void> {
  const { db } = o;
  const hashField = 'HashTepTin';
  // One shape per request: expire-token must expire the token THIS request presented.
  const shapeFor = (presented: string | null): ModeShape => ({
    httpError: (status) => ({ error_code: String(status), message: status === 429 ? 'Vượt quá số lượng yêu cầu cho phép' : 'Hệ thống đang bận' }),
    expired: () => fail('-4', 'Session không hợp lệ hoặc đã hết hạn'),
    errorCode: () => fail('-1', 'Lỗi hệ thống, vui lòng thử lại sau'),
    expire: () => {
      if (presented) expireTargetToken(db, presented);
    },
  });

  const storeFetched = (sha: string, bytes: Buffer): void => {
    const tmp = join(o.filesDir, `.${sha}.${randomBytes(4).toString('hex')}`);
    writeFileSync(tmp, bytes);
    renameSync(tmp, join(o.filesDir, sha));
  };

  const basicUser = (req: IncomingMessage): string | null => {
    const m = /^Basic\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    if (!m?.[1]) return null;
    const dec = Buffer.from(m[1], 'base64').toString('utf8');
    const i = dec.indexOf(':');
    const secret = i > 0 ? principalSecret(db, 'account', dec.slice(0, i)) : undefined;
    return secret && same(secret, dec.slice(i + 1)) ? dec.slice(0, i) : null;
  };

  /** The province's file endpoint: content-addressed, PUT by an authenticated station, GET by anyone with the URL. */
  const fileEndpoint = async (req: IncomingMessage, res: ServerResponse, sha: string, cid: string): Promise<void> => {
    const method = req.method ?? 'GET';
    const path = join(o.filesDir, sha);
    if (method === 'GET') {
      const f = qStoreHas(db, sha);
      if (!f) return sendReply(res, { status: 404, body: { message: 'Không có tệp' } });
      // A record whose bytes are gone from disk answers 404 (or cuts the reply), never crashes the server.
      const stream = createReadStream(path);
      stream.once('error', () => (res.headersSent ? res.destroy() : sendReply(res, { status: 404, body: { message: 'Không có tệp' } })));
      stream.once('open', () => {
        res.writeHead(200, { 'Content-Type': 'application/pdf', 'Content-Length': String(f.size) });
        stream.pipe(res);
      });
      return;
    }
    if (!basicUser(req)) return sendReply(res, { status: 401, body: { message: 'Sai tài khoản' } });
    if (method === 'HEAD') {
      const f = qStoreHas(db, sha);
      res.writeHead(f ? 200 : 404, f ? { 'Content-Length': String(f.size), 'Content-Type': 'application/pdf' } : {});
      res.end();
      return;
    }
    if (method !== 'PUT') return sendReply(res, { status: 405, body: { message: 'Không hỗ trợ' } });
    const body = await readBody(req, o.maxBytes);
    if (body === null) return sendReply(res, { status: 413, body: { message: 'Tệp quá lớn' }, headers: { Connection: 'close' } });
    return runFaulted(o, res, cid, { route: 'file-put', bearer: false }, shapeFor(null), () => {
      if (body.subarray(0, 5).toString('latin1') !== '%PDF-') return { status: 415, body: { message: 'Chỉ nhận PDF' } };
      const got = createHash('sha256').update(body).digest('hex');
      if (got !== sha) return { status: 400, body: { message: `Mã băm không khớp (${got})` } };
      storeFetched(sha, body);
      qStorePut(db, sha, body.length);
      return { status: 201, body: { message: 'Đã lưu' } };
    });
  };

  const sync = async (b: Record<string, unknown>): Promise<Reply> => {
    if (b.isUpdating !== 'True' && b.isUpdating !== 'False') return fail('-2', 'isUpdating phải là chuỗi "True" hoặc "False"');
    const data = b.data;
    if (!Array.isArray(data) || data.length === 0 || data.length > 50) return fail('-2', 'data phải là mảng 1–50 hồ sơ');
    const messages: string[] = [];
    for (const h of data as Record<string, unknown>[]) {
      const v = validate(h, hashField);
      if (v.errors.length) return fail('-2', `Hồ sơ ${String(h.MaHoSo)}: ${v.errors.join('; ')}`);
      const code = h.MaHoSo as string;
      const existing = targetDossier(db, code);
      if (b.isUpdating === 'False' && existing) return fail('3', `Hồ sơ ${code} đã tồn tại`);
      if (b.isUpdating === 'True' && !existing) return fail('-2', `Hồ sơ ${code} không tồn tại để cập nhật`);
      const have = new Map(existing?.files.map((f) => [f.sha256, f.fileId]) ?? []);
      const files: { fileId: string; sha256: string; componentCode: string }[] = [];
      for (const f of v.files) {
        const kept = have.get(f.sha256);
        if (kept) {
          files.push({ fileId: kept, sha256: f.sha256, componentCode: f.componentCode });
          continue;
        }
        let bytes: Buffer;
        try {
          bytes = await fetchBytes(f.url, o.maxBytes, o.tlsCert);
        } catch (err) {
          return fail('-1', `Không tải được tệp ${f.url}: ${(err as Error).message}`);
        }
        const got = createHash('sha256').update(bytes).digest('hex');
        if (got !== f.sha256) return fail('-2', `Tệp ${f.url} có mã băm ${got}, hồ sơ ghi ${f.sha256}`);
        storeFetched(got, bytes);
        files.push({ fileId: addTargetFile(db, got, bytes.length, f.name, 'Q-'), sha256: got, componentCode: f.componentCode });
      }
      saveTargetDossier(db, code, h, files);
      messages.push(code);
    }
    return ok({}, `Đồng bộ thành công ${messages.length} hồ sơ`);
  };

  return async (req, res, url, cid) => {
    const method = req.method ?? 'GET';
    const path = url.pathname;
    const tep = /^\/tep\/([0-9a-f]{64})\.pdf$/.exec(path);
    if (tep?.[1]) return fileEndpoint(req, res, tep[1], cid);
    const route = path === '/adapter/auth' ? 'token' : path === '/adapter/share' ? 'lookup' : path === '/adapter/integration' ? 'commit' : null;
    if (!route || method !== 'POST') return sendReply(res, { status: 404, body: { error_code: '404', message: `Không có ${method} ${path}` } });
    const body = await readBody(req, JSON_LIMIT);
    if (body === null) return sendReply(res, { status: 413, body: { error_code: '413', message: 'Dữ liệu quá lớn' } });
    if (req.headers.dstcode !== o.dstcode) return sendReply(res, fail('-2', 'Thiếu hoặc sai dstcode'));
    let b: Record<string, unknown>;
    try {
      b = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
      if (!b || typeof b !== 'object' || Array.isArray(b)) throw new Error('not an object');
    } catch {
      return sendReply(res, fail('-2', 'Nội dung không phải JSON'));
    }
    if (route === 'token') {
      return runFaulted(o, res, cid, { route, bearer: false, bodyCodes: true }, shapeFor(null), () => {
        const secret = typeof b.username === 'string' ? principalSecret(db, 'account', b.username) : undefined;
        if (!secret || typeof b.password !== 'string' || !same(secret, b.password)) return fail('1', 'Sai tên đăng nhập hoặc mật khẩu');
        return ok({ session: issueTargetToken(db, b.username as string, o.tokenTtl) }, 'Đăng nhập thành công');
      });
    }
    const presented = typeof b.session === 'string' ? b.session : null;
    const shape = shapeFor(presented);
    const valid = checkTargetToken(db, presented);
    return runFaulted(o, res, cid, { route, bearer: valid, bodyCodes: true }, shape, async () => {
      if (!checkTargetToken(db, presented)) return shape.expired(cid);
      if (typeof b.madonvi !== 'string' || !/^[0-9A-Z.]{2,35}$/.test(b.madonvi)) return fail('-2', 'madonvi bắt buộc');
      const service = b.service;
      if (route === 'commit') {
        if (service === 'DongBoHoSoMC') return sync(b);
        return fail('-2', `Dịch vụ tích hợp ${String(service)} không có`);
      }
      if (service === 'TraCuuHoSo') {
        if (typeof b.mahoso !== 'string') return fail('-2', 'mahoso bắt buộc');
        const d = targetDossier(db, b.mahoso);
        return ok({ result: d ? [{ ...d.body }] : [] });
      }
      if (service === 'LayDanhSachTTHC') return ok({ result: PROCEDURES.map((p) => ({ MATTHC: p.MATTHC, TENTTHC: p.TENTTHC })) });
      if (service === 'LayThuTuc') {
        const p = PROCEDURES.find((x) => x.MATTHC === b.maTTHC);
        return p ? ok({ result: [p] }) : fail('-2', `Không có thủ tục ${String(b.maTTHC)}`);
      }
      return fail('-2', `Dịch vụ ${String(service)} không có`);
    });
  };
}
