import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { StationError, type ErrorCode } from '../../common/errors';
import { IMPORT_LIMITS } from '../../common/importing';
import { DOSSIER_CODE_PATTERN } from '../../common/owner';
import type { Dossier } from '../../common/schemas';
import { checkPdf } from '../importing/pdfCheck';
import type { Station } from '../station/station';
import { appendAudit } from '../store/audit';
import { findComponent, getDossier } from '../store/dossiers';
import { attachReused, remoteReuseSources, type RemoteReuseSource } from '../store/reuse';
import type { OneStopAdapter, RemoteDocument } from '../sync/adapter';
import type { SyncEngine } from '../sync/engine';
import { readSyncSettings } from '../sync/settings';
import { reuseCandidates, type ReuseCandidate } from './reuse';

/**
 * Reuse look-up through the target ("digitise once" beyond this station): the MaHoSo of the citizen's earlier
 * dossiers (those this station sent, whose local copies may be purged, and any code the clerk reads from the
 * citizen's receipt) are looked up on the province's system — DVCQG `TraCuuHoSo`, iGate search by code — and their
 * documents of the same component code offered beside the local ones. A document is offered only when the target
 * records the same owner identity number, and never when the validity known here has ended. Taking one fetches the
 * bytes, checks they hash to what the target stated, checks the PDF like an imported file, and attaches them.
 */
export type ReuseTarget = Pick<SyncEngine, 'withAdapter'>;

export interface RemoteLookupStatus {
  /** off: no server configured or not asked; unsupported: the target has no look-up (sohoa-v1). */
  status: 'ok' | 'off' | 'unsupported' | 'failed';
  /** The MaHoSo looked up. */
  codes: string[];
  errors: { dossierCode: string; code: ErrorCode; message: string; serverMessage: string | null; correlationId: string | null }[];
}

export interface ReuseLookup {
  candidates: ReuseCandidate[];
  remote: RemoteLookupStatus;
}

function today(station: Station, now: Date): string {
  const off = readSyncSettings(station.store).utcOffsetMinutes;
  return new Date(now.getTime() + off * 60_000).toISOString().slice(0, 10);
}

/** The dossier being filled, its component, and where the owner's earlier MaHoSo are. */
function context(station: Station, componentId: string) {
  const c = findComponent(station.store, componentId);
  if (!c) throw new StationError('NOT_FOUND', `no component ${componentId}`, { componentId });
  const d = getDossier(station.store, c.dossierId)!;
  const sources = remoteReuseSources(station.store, { ownerIdType: d.ownerIdType, ownerId: d.ownerId, typeCode: c.typeCode, excludeDossierId: d.id });
  return { c, d, sources };
}

function checkCodes(codes: readonly string[]): string[] {
  const out = [...new Set(codes.map((x) => x.trim().toUpperCase()))];
  const bad = out.find((x) => !DOSSIER_CODE_PATTERN.test(x));
  if (bad !== undefined) throw new StationError('INVALID_REQUEST', `"${bad}" is not a dossier code (MaHoSo)`, { dossierCode: bad });
  return out;
}

/** The documents of dossier CODE on the target that may fill this component (owner, code and validity checked). */
async function remoteOffers(
  adapter: OneStopAdapter,
  code: string,
  o: { ownerId: string; typeCode: string; componentName: string; known: RemoteReuseSource | undefined; today: string },
): Promise<{ candidate: ReuseCandidate; doc: RemoteDocument }[]> {
  const remote = await adapter.remoteDossier!(code);
  // Another citizen's dossier is not offered, nor described: the code alone opens nothing.
  if (!remote || !remote.ownerIds.includes(o.ownerId)) return [];
  const k = o.known;
  if (k?.valid_to && k.valid_to.slice(0, 10) < o.today) return [];
  if (k?.valid_from && k.valid_from.slice(0, 10) > o.today) return [];
  return remote.documents
    .filter((doc) => doc.typeCode === o.typeCode)
    .map((doc) => ({
      doc,
      candidate: {
        source: 'remote' as const,
        documentId: null,
        sha256: doc.sha256,
        fileName: doc.fileName,
        pageCount: null,
        pdfaLevel: null,
        typeCode: doc.typeCode,
        componentName: o.componentName,
        kind: doc.kind,
        validFrom: k?.valid_from ?? null,
        validTo: k?.valid_to ?? null,
        validityScope: k?.validity_scope ?? null,
        resultCode: doc.resultCode,
        dossierId: k?.dossier_id ?? null,
        dossierCode: code,
        procedureCode: remote.procedureCode ?? k?.procedure_code ?? null,
        signedAt: null,
        fromNationalStore: doc.fromNationalStore,
      },
    }));
}

function lookupError(dossierCode: string, err: unknown): RemoteLookupStatus['errors'][number] {
  const e = err instanceof StationError ? err : new StationError('INTERNAL', err instanceof Error ? err.message : String(err));
  const d = e.details ?? {};
  return {
    dossierCode,
    code: e.code,
    message: e.message,
    serverMessage: typeof d.serverMessage === 'string' && d.serverMessage !== '' ? d.serverMessage : null,
    correlationId: typeof d.correlationId === 'string' ? d.correlationId : null,
  };
}

/**
 * Local candidates (by CCCD, with validity) merged with the target's: the local copy wins for the same bytes. A
 * failing target (offline, a malformed reply) never hides the local candidates: its error is reported beside them.
 */
export async function lookUpReuse(
  station: Station,
  target: ReuseTarget,
  componentId: string,
  opts: { dossierCodes?: readonly string[]; remote?: boolean; actor?: string | null } = {},
  now = new Date(),
): Promise<ReuseLookup> {
  const local = reuseCandidates(station, componentId, now);
  const { c, d, sources } = context(station, componentId);
  const extra = checkCodes(opts.dossierCodes ?? []);
  const codes = [...new Set([...sources.map((s) => s.server_code), ...extra])];
  const remote: RemoteLookupStatus = { status: 'off', codes: [], errors: [] };
  if (opts.remote === false || codes.length === 0) return { candidates: local, remote };
  const day = today(station, now);
  let found: ReuseCandidate[] | 'unsupported' | null;
  try {
    found = await target.withAdapter(async (adapter) => {
      if (!adapter.remoteDossier) return 'unsupported' as const;
      const out: ReuseCandidate[] = [];
      for (const code of codes) {
        remote.codes.push(code);
        try {
          const offers = await remoteOffers(adapter, code, { ownerId: d.ownerId, typeCode: c.typeCode, componentName: c.name, known: sources.find((s) => s.server_code === code), today: day });
          out.push(...offers.map((x) => x.candidate));
        } catch (err) {
          remote.errors.push(lookupError(code, err));
        }
      }
      return out;
    });
  } catch (err) {
    // The target cannot even be set up (an invalid target file, http:// to another host): local candidates stay.
    return { candidates: local, remote: { status: 'failed', codes, errors: [lookupError('', err)] } };
  }
  if (found === null) return { candidates: local, remote };
  if (found === 'unsupported') return { candidates: local, remote: { ...remote, status: 'unsupported' } };
  remote.status = remote.errors.length > 0 ? 'failed' : 'ok';
  const seen = new Set(local.map((x) => x.sha256));
  const merged = [...local];
  for (const x of found) {
    if (seen.has(x.sha256)) continue;
    seen.add(x.sha256);
    merged.push(x);
  }
  if (remote.codes.length > 0) {
    appendAudit(station.store, { actor: opts.actor ?? null, action: 'reuse.lookup', subjectType: 'component', subjectId: componentId, details: { codes: remote.codes, offered: found.length, errors: remote.errors.map((e) => e.code) } });
  }
  return { candidates: merged, remote };
}

/** Checks fetched bytes as the target stated them, then as an imported PDF (qpdf: not encrypted, no scripts, pages). */
async function checkFetched(station: Station, doc: RemoteDocument, bytes: Buffer): Promise<number> {
  const got = createHash('sha256').update(bytes).digest('hex');
  if (got !== doc.sha256) {
    throw new StationError('HASH_MISMATCH', `the target sent ${bytes.length} bytes hashing to ${got.slice(0, 12)}…, its record states ${doc.sha256.slice(0, 12)}…`, { sha256: doc.sha256, got });
  }
  if (bytes.subarray(0, 5).toString('latin1') !== '%PDF-') throw new StationError('PDF_CORRUPT', 'the document the target sent is not a PDF', { sha256: doc.sha256 });
  const work = join(station.layout.tmp, `reuse-${randomBytes(8).toString('hex')}`);
  mkdirSync(work, { recursive: true, mode: 0o700 });
  try {
    writeFileSync(join(work, 'fetched.pdf'), bytes);
    return (await checkPdf(join(work, 'fetched.pdf'), join(work, 'clean.pdf'), { maxPages: IMPORT_LIMITS.maxPdfPages })).pageCount;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/**
 * Takes a document the target holds (dossier CODE, bytes SHA256) for COMPONENT: looked up again on the target (the
 * renderer's word is not trusted), fetched, checked, stored, attached with DuocTaiSuDung 1 (2 with MaKetQuaThayThe for
 * a result) and DuocLayTuKhoDMQG as the target says. Any failure leaves the component as it was.
 */
export async function takeRemoteReuse(
  station: Station,
  target: ReuseTarget,
  componentId: string,
  p: { dossierCode: string; sha256: string; replacedResultCode?: string | null | undefined },
  actor: string | null,
  now = new Date(),
): Promise<Dossier> {
  const { c, d, sources } = context(station, componentId);
  if (d.state === 'queued' || d.state === 'synced') {
    throw new StationError('DOSSIER_NOT_EDITABLE', `dossier ${d.id} is ${d.state}`, { id: d.id, state: d.state });
  }
  const [code] = checkCodes([p.dossierCode]);
  const taken = await target.withAdapter(async (adapter) => {
    if (!adapter.remoteDossier || !adapter.fetchDocument) throw new StationError('UNSUPPORTED', `the ${adapter.protocol} target has no dossier look-up`);
    const offers = await remoteOffers(adapter, code!, { ownerId: d.ownerId, typeCode: c.typeCode, componentName: c.name, known: sources.find((s) => s.server_code === code), today: today(station, now) });
    const offer = offers.find((x) => x.doc.sha256 === p.sha256.toLowerCase());
    if (!offer) throw new StationError('NOT_FOUND', `dossier ${code} on the target offers no document ${p.sha256.slice(0, 12)}… for this component`, { dossierCode: code, sha256: p.sha256 });
    const bytes = await adapter.fetchDocument(offer.doc);
    const pageCount = await checkFetched(station, offer.doc, bytes);
    return { offer, bytes, pageCount };
  });
  if (!taken) throw new StationError('INVALID_REQUEST', 'configure the sync server first: the look-up goes through it');
  const { offer, bytes, pageCount } = taken;
  const put = station.blobs.putBuffer(bytes);
  const replaced = p.replacedResultCode ?? offer.doc.resultCode;
  attachReused(station.store, {
    componentId,
    source: 'remote',
    sourceDocumentId: null,
    sourceDossierCode: code!,
    sha256: put.sha256,
    fileName: offer.doc.fileName,
    pageCount,
    pdfaLevel: null,
    reuse: replaced ? 'reused_replaced' : 'reused',
    replacedResultCode: replaced ?? null,
    fromNationalStore: offer.doc.fromNationalStore,
    validFrom: offer.candidate.validFrom,
    validTo: offer.candidate.validTo,
    actor,
    at: now.toISOString(),
    newBlobSize: put.size,
  });
  appendAudit(station.store, { actor, action: 'component.reuse', subjectType: 'component', subjectId: componentId, details: { source: 'remote', dossierCode: code, sha256: put.sha256 } });
  return getDossier(station.store, d.id)!;
}
