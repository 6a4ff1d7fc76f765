import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import JSZip from 'jszip';
import { StationError } from '../../common/errors';
import type { Station } from '../station/station';
import { appendAudit } from '../store/audit';
import { getDossier } from '../store/dossiers';
import { dossierIdsCreatedBetween } from '../store/exports';
import { documentSignatures, resultForCode, stationAgencyCode, syncDocuments } from '../store/sync';
import { dvcqgHoSo } from '../sync/dvcqg';
import { buildManifest } from '../sync/manifest';
import { readSyncSettings } from '../sync/settings';
import { loadTargetConfig } from '../sync/targetConfig';
import { windowsSafeName } from './windowsName';

/**
 * Export for hand attachment (issue 16): what a clerk uploads into the provincial system by hand when no adapter
 * reaches it. Per dossier: the signed PDF/A of every component as `<MaThanhPhanHoSo>_<name>.pdf`, `manifest.json`
 * (every scored field, sha256 and size of every file) and `dvcqg.json` (the DVCQG HoSo record, file paths relative).
 * Every written file is read back and must hash to its blob's content address, or the export fails.
 */
export interface ExportedFile {
  path: string;
  sha256: string;
  size: number;
}

export interface ExportResult {
  out: string;
  format: 'dir' | 'zip';
  dossiers: string[];
  files: ExportedFile[];
}

interface Entry {
  path: string;
  data: Buffer;
  /** The content address it must hash to (PDFs); null for the JSON files. */
  sha256: string | null;
}

function sha(b: Uint8Array): string {
  return createHash('sha256').update(b).digest('hex');
}

/** The files of one dossier under PREFIX ('' or 'folder/'). */
function dossierEntries(station: Station, dossierId: string, prefix: string): Entry[] {
  const { store, blobs } = station;
  const d = getDossier(store, dossierId);
  if (!d) throw new StationError('NOT_FOUND', `no dossier ${dossierId}`, { dossierId });
  const s = readSyncSettings(store);
  const byComponent = new Map(d.components.map((c) => [c.id, c]));
  const used = new Set<string>();
  const entries: Entry[] = [];
  const docs = syncDocuments(store, dossierId).map((x) => {
    const c = byComponent.get(x.component_id)!;
    const base = `${windowsSafeName(c.typeCode, 40)}_${windowsSafeName(c.name, 100)}`;
    let name = `${base}.pdf`;
    for (let i = 2; used.has(name.toLowerCase()); i++) name = `${base}_${i}.pdf`; // Windows names are case-insensitive
    used.add(name.toLowerCase());
    const purged = x.state === 'purged';
    if (!purged) {
      const data = blobs.get(x.sha256, { verify: true });
      entries.push({ path: `${prefix}${name}`, data, sha256: x.sha256 });
    }
    return {
      componentId: x.component_id,
      documentId: x.document_id,
      sha256: x.sha256,
      fileId: purged ? '' : name,
      fileName: name,
      pageCount: x.page_count,
      pdfaLevel: x.pdfa_level,
      signatures: documentSignatures(store, x.document_id),
    };
  });
  const agency = s.agencyCode ?? stationAgencyCode(store) ?? '';
  const m = buildManifest(d, docs, agency, resultForCode(store, dossierId));
  const sizeOf = new Map(entries.map((e) => [e.sha256, e.data.length]));
  const manifest = {
    format: 'sohoa-export/1',
    exportedAt: new Date().toISOString(),
    draftId: d.id,
    MaHoSo: d.serverCode,
    MaTTHC: m.procedureCode,
    TenTTHC: d.procedureName,
    MaDonVi: m.agencyCode,
    KenhThucHien: m.channel,
    TrichYeuHoSo: m.summary,
    ChuHoSo: m.owner.name,
    LoaiDoiTuong: m.owner.kind,
    DinhDanhCHS: { LoaiDinhDanh: m.owner.idType, SoDinhDanh: m.owner.id },
    NgayTiepNhan: m.receivedAt,
    HoSoCoThanhPhanSoHoa: m.components.some((c) => c.kind === 'intake' && c.digitised === 1) ? 1 : 0,
    ...(m.resultFor ? { KetQuaChoHoSo: m.resultFor } : {}),
    components: m.components.map((c) => ({
      MaThanhPhanHoSo: c.typeCode,
      TenThanhPhanHoSo: c.name,
      kind: c.kind,
      LoaiBan: c.copyType,
      DuocSoHoa: c.digitised,
      DuocTaiSuDung: c.reuse === 'none' ? 0 : c.reuse === 'reused' ? 1 : 2,
      DuocLayTuKhoDMQG: c.fromNationalStore,
      MaKetQuaThayThe: c.replacedResultCode,
      MaGiayToKetQua: c.resultCode,
      TrichYeu: c.summary,
      HieuLucTu: c.validFrom,
      HieuLucDen: c.validTo,
      PhamViHieuLuc: c.validityScope,
      files: c.documents.map((x) => ({
        file: x.fileId || null,
        purged: x.fileId === '',
        sha256: x.sha256,
        size: sizeOf.get(x.sha256) ?? null,
        pageCount: x.pageCount,
        pdfaLevel: x.pdfaLevel,
        signatures: x.signatures,
      })),
    })),
  };
  const cfg = loadTargetConfig('dvcqg', s.adapter === 'dvcqg' ? s.targetConfigFile : null);
  if (cfg.adapter !== 'dvcqg') throw new StationError('TARGET_CONFIG_INVALID', 'dvcqg configuration expected');
  const hoSo = dvcqgHoSo(cfg, m, d.serverCode ?? '');
  entries.push({ path: `${prefix}manifest.json`, data: Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`), sha256: null });
  entries.push({ path: `${prefix}dvcqg.json`, data: Buffer.from(`${JSON.stringify({ data: [hoSo] }, null, 2)}\n`), sha256: null });
  return entries;
}

function checkEntry(path: string, got: Buffer, e: Entry): void {
  if (e.sha256 !== null && sha(got) !== e.sha256) {
    throw new StationError('BLOB_CORRUPT', `exported ${path} does not hash to its blob ${e.sha256}`, { path, sha256: e.sha256 });
  }
  if (e.sha256 === null && !got.equals(e.data)) throw new StationError('BLOB_CORRUPT', `exported ${path} differs from what was written`, { path });
}

async function write(entries: Entry[], out: string): Promise<'dir' | 'zip'> {
  if (/\.zip$/i.test(out)) {
    const zip = new JSZip();
    for (const e of entries) zip.file(e.path, e.data, { date: new Date() });
    // PDFs are already compressed: store them (faster, and any zip tool opens the result).
    const buf = await zip.generateAsync({ type: 'nodebuffer', compression: 'STORE', platform: 'DOS' });
    mkdirSync(dirname(out), { recursive: true });
    const tmp = `${out}.part`;
    writeFileSync(tmp, buf);
    try {
      const back = await JSZip.loadAsync(readFileSync(tmp));
      for (const e of entries) {
        const f = back.file(e.path);
        if (!f) throw new StationError('BLOB_CORRUPT', `exported zip lacks ${e.path}`, { path: e.path });
        checkEntry(e.path, await f.async('nodebuffer'), e);
      }
    } catch (err) {
      rmSync(tmp, { force: true });
      throw err;
    }
    renameSync(tmp, out);
    return 'zip';
  }
  for (const e of entries) {
    const p = join(out, e.path);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, e.data);
    checkEntry(p, readFileSync(p), e);
  }
  return 'dir';
}

function summary(out: string, format: 'dir' | 'zip', dossiers: string[], entries: Entry[]): ExportResult {
  return { out, format, dossiers, files: entries.map((e) => ({ path: e.path, sha256: sha(e.data), size: e.data.length })) };
}

/** `sohoa export DRAFT_ID --out DIR|FILE.zip`. Personal data leaves the station: the audit log records it. */
export async function exportDossier(station: Station, dossierId: string, outPath: string, actor: string | null): Promise<ExportResult> {
  const out = resolve(outPath);
  const entries = dossierEntries(station, dossierId, '');
  const format = await write(entries, out);
  appendAudit(station.store, { actor, action: 'dossier.export', details: { dossierId, out, files: entries.length } });
  return summary(out, format, [dossierId], entries);
}

/** A day's dossiers (received that day, local time), one folder each named by MaHoSo or draft id. */
export async function exportDay(station: Station, day: string, outPath: string, actor: string | null): Promise<ExportResult> {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || Number.isNaN(Date.parse(`${day}T00:00:00Z`))) {
    throw new StationError('INVALID_REQUEST', `day must be YYYY-MM-DD, got ${day}`);
  }
  const offset = readSyncSettings(station.store).utcOffsetMinutes * 60_000;
  const from = Date.parse(`${day}T00:00:00Z`) - offset;
  const ids = dossierIdsCreatedBetween(station.store, new Date(from).toISOString(), new Date(from + 86_400_000).toISOString());
  const entries = ids.flatMap((id) => {
    const d = getDossier(station.store, id)!;
    return dossierEntries(station, id, `${windowsSafeName(d.serverCode ?? d.id, 80)}/`);
  });
  const out = resolve(outPath);
  const format = await write(entries, out);
  appendAudit(station.store, { actor, action: 'dossier.exportDay', details: { day, out, dossiers: ids.length, files: entries.length } });
  return summary(out, format, ids, entries);
}
