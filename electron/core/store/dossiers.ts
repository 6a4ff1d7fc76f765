import { StationError } from '../../common/errors';
import type { Component, Dossier, DossierState, DossierSummary } from '../../common/schemas';
import { draftId, ulid } from '../../common/ids';
import type { Store } from './db';
import { procedureComponents, type ProcedureRow } from './procedures';
import { join, raw, sql, type Sql } from './sql';

interface DossierRow {
  id: string;
  station_id: string;
  server_code: string | null;
  purpose: 'intake' | 'result';
  procedure_code: string;
  procedure_name: string;
  owner_id_type: 'cccd' | 'cmnd' | 'org';
  owner_id: string;
  owner_name: string;
  owner_kind: 'citizen' | 'enterprise' | 'agency' | 'other';
  channel: number;
  summary: string | null;
  state: DossierState;
  created_by: string | null;
  created_at: string;
  updated_at: string;
  abandoned_at: string | null;
  abandoned_by: string | null;
  abandoned_by_name: string | null;
  abandon_reason: string | null;
}

interface ComponentRow {
  id: string;
  dossier_id: string;
  type_code: string;
  name: string;
  kind: 'intake' | 'result';
  required: number;
  position: number;
  summary: string | null;
  valid_from: string | null;
  valid_to: string | null;
  validity_scope: string | null;
  copy_type: 'original' | 'copy' | 'electronic';
  reuse: 'none' | 'reused' | 'reused_replaced';
  replaced_result_code: string | null;
  from_national_store: number;
  result_code: string | null;
  page_count: number;
  doc_count: number;
  signed_count: number;
  document_id: string | null;
  reuse_source: 'local' | 'remote' | null;
  reuse_dossier_id: string | null;
  reuse_dossier_code: string | null;
  reuse_taken_at: string | null;
}

export interface NewDossier {
  stationId: string;
  procedure: ProcedureRow;
  purpose: 'intake' | 'result';
  ownerIdType: 'cccd' | 'cmnd' | 'org';
  ownerId: string;
  ownerName: string;
  ownerKind: 'citizen' | 'enterprise' | 'agency' | 'other';
  summary: string | null;
  createdBy: string | null;
}

const COMPONENT_QUERY = raw(`SELECT c.*,
    (SELECT count(*) FROM page p WHERE p.component_id = c.id AND p.state != 'deleted') AS page_count,
    -- a purged document (local copy removed after the server's receipt) was still digitised and signed
    (SELECT count(*) FROM document d WHERE d.component_id = c.id) AS doc_count,
    (SELECT count(*) FROM document d WHERE d.component_id = c.id AND d.state IN ('signed', 'synced', 'purged')) AS signed_count,
    (SELECT d.id FROM document d WHERE d.component_id = c.id AND d.state != 'purged' ORDER BY d.created_at DESC, d.id DESC LIMIT 1) AS document_id,
    r.source AS reuse_source, r.source_dossier_code AS reuse_dossier_code, r.taken_at AS reuse_taken_at,
    (SELECT sc.dossier_id FROM document sd JOIN component sc ON sc.id = sd.component_id WHERE sd.id = r.source_document_id) AS reuse_dossier_id
  FROM component c LEFT JOIN component_reuse r ON r.component_id = c.id`);

function toComponent(r: ComponentRow): Component {
  return {
    id: r.id,
    dossierId: r.dossier_id,
    typeCode: r.type_code,
    name: r.name,
    kind: r.kind,
    required: r.required === 1,
    position: r.position,
    summary: r.summary,
    validFrom: r.valid_from,
    validTo: r.valid_to,
    validityScope: r.validity_scope,
    copyType: r.copy_type,
    reuse: r.reuse,
    replacedResultCode: r.replaced_result_code,
    fromNationalStore: r.from_national_store === 1,
    resultCode: r.result_code,
    pageCount: r.page_count,
    digitised: r.doc_count > 0,
    signed: r.signed_count > 0,
    documentId: r.document_id,
    reusedFrom:
      r.reuse_source && r.reuse_taken_at
        ? { source: r.reuse_source, dossierId: r.reuse_dossier_id, dossierCode: r.reuse_dossier_code, takenAt: r.reuse_taken_at }
        : null,
  };
}

function toDossier(r: DossierRow, components: Component[]): Dossier {
  return {
    id: r.id,
    serverCode: r.server_code,
    stationId: r.station_id,
    purpose: r.purpose,
    procedureCode: r.procedure_code,
    procedureName: r.procedure_name,
    ownerIdType: r.owner_id_type,
    ownerId: r.owner_id,
    ownerName: r.owner_name,
    ownerKind: r.owner_kind,
    channel: r.channel,
    summary: r.summary,
    state: r.state,
    createdBy: r.created_by,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    abandoned: r.abandoned_at ? { at: r.abandoned_at, by: r.abandoned_by, byName: r.abandoned_by_name, reason: r.abandon_reason ?? '' } : null,
    components,
  };
}

const DOSSIER_QUERY = raw(`SELECT d.*, p.name AS procedure_name, ua.full_name AS abandoned_by_name
  FROM dossier d JOIN procedure p ON p.code = d.procedure_code LEFT JOIN user ua ON ua.id = d.abandoned_by`);

/** Creates a dossier with one component per catalogue entry of its purpose (intake or result). */
export function createDossier(store: Store, n: NewDossier, now = new Date()): Dossier {
  const id = draftId(n.stationId, now.getTime());
  const at = now.toISOString();
  store.tx(() => {
    store.run(sql`INSERT INTO dossier (id, station_id, purpose, procedure_code, owner_id_type, owner_id, owner_name, owner_kind, channel, summary, state, created_by, created_at, updated_at)
      VALUES (${id}, ${n.stationId}, ${n.purpose}, ${n.procedure.code}, ${n.ownerIdType}, ${n.ownerId}, ${n.ownerName}, ${n.ownerKind}, 1, ${n.summary}, 'draft', ${n.createdBy}, ${at}, ${at})`);
    const comps = procedureComponents(store, n.procedure.code).filter((c) => c.kind === n.purpose);
    comps.forEach((c, i) => {
      store.run(sql`INSERT INTO component (id, dossier_id, type_code, name, kind, required, position, created_at)
        VALUES (${ulid()}, ${id}, ${c.type_code}, ${c.name}, ${c.kind}, ${c.required}, ${i}, ${at})`);
    });
  });
  return getDossier(store, id)!;
}

export function getDossier(store: Store, id: string): Dossier | undefined {
  const row = store.get<DossierRow>(sql`${DOSSIER_QUERY} WHERE d.id = ${id}`);
  if (!row) return undefined;
  const comps = store.all<ComponentRow>(sql`${COMPONENT_QUERY} WHERE c.dossier_id = ${id} ORDER BY c.position`);
  return toDossier(row, comps.map(toComponent));
}

/** getDossier for a caller that names a dossier which must exist (NOT_FOUND otherwise). */
export function requireDossier(store: Store, id: string): Dossier {
  const d = getDossier(store, id);
  if (!d) throw new StationError('NOT_FOUND', `no dossier ${id}`, { id });
  return d;
}

export function findComponent(store: Store, componentId: string): Component | undefined {
  const r = store.get<ComponentRow>(sql`${COMPONENT_QUERY} WHERE c.id = ${componentId}`);
  return r ? toComponent(r) : undefined;
}

export interface DossierFilter {
  state?: DossierRow['state'];
  purpose?: DossierRow['purpose'];
  limit: number;
  before?: string;
  /** This clerk's dossiers come first (a shared counter PC: the clerk's own drafts on top). */
  ownFirst?: string | undefined;
}

export function listDossiers(store: Store, f: DossierFilter): DossierSummary[] {
  const where: Sql[] = [raw('1 = 1')];
  if (f.state) where.push(sql`d.state = ${f.state}`);
  if (f.purpose) where.push(sql`d.purpose = ${f.purpose}`);
  if (f.before) where.push(sql`d.created_at < ${f.before}`);
  const rows = store.all<DossierRow & { component_count: number; missing_required: number }>(sql`SELECT d.*, p.name AS procedure_name, ua.full_name AS abandoned_by_name,
      (SELECT count(*) FROM component c WHERE c.dossier_id = d.id) AS component_count,
      (SELECT count(*) FROM component c WHERE c.dossier_id = d.id AND c.required = 1
         AND NOT EXISTS (SELECT 1 FROM document x WHERE x.component_id = c.id AND x.state IN ('signed', 'synced', 'purged'))) AS missing_required
    FROM dossier d JOIN procedure p ON p.code = d.procedure_code LEFT JOIN user ua ON ua.id = d.abandoned_by
    WHERE ${join(where, ' AND ')} ORDER BY ${f.ownFirst !== undefined ? sql`(d.created_by IS ${f.ownFirst}) DESC, ` : raw('')}d.created_at DESC, d.id DESC LIMIT ${f.limit}`);
  return rows.map((r) => {
    const { components: _c, ...rest } = toDossier(r, []);
    return { ...rest, componentCount: r.component_count, missingRequired: r.missing_required };
  });
}
