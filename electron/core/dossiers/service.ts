import { StationError } from '../../common/errors';
import { checkOwnerId, type OwnerIdType } from '../../common/owner';
import type { Dossier } from '../../common/schemas';
import { appendAudit } from '../store/audit';
import type { Store } from '../store/db';
import {
  addResultComponents,
  insertComponent,
  setDossierState,
  setResultFor,
  updateComponent,
  type ComponentPatch,
  type NewComponent,
} from '../store/dossierEdits';
import { createDossier, findComponent, requireDossier } from '../store/dossiers';
import { getProcedure, listProcedures, procedureComponents } from '../store/procedures';
import { enqueueDossier } from '../store/sync';
import { assertNotAbandoned, refuseAbandoned } from './abandon';
import { checklist, type Checklist } from './checklist';

/**
 * The dossier model's rules. States: draft → complete (every required component digitised and signed)
 * → queued (in the outbox) → synced (the server's receipt listed every document). Adding documents or
 * results to a complete/synced dossier and completing it again re-queues it (the server answers 200 with
 * an updated receipt). The local draft id never changes; the server's code is bound at sync. A draft may be
 * abandoned instead (dossiers/abandon.ts): it keeps everything and an admin can restore it.
 */

const mustGet = requireDossier;

export function dossierChecklist(store: Store, id: string): Checklist {
  return checklist(mustGet(store, id));
}

/** Fields that describe what the server already holds may only change while the dossier is local. */
const INTAKE_LOCKED_STATES = new Set(['queued', 'synced']);

export function editComponent(store: Store, componentId: string, patch: ComponentPatch, actor: string | null): Dossier {
  const c = findComponent(store, componentId);
  if (!c) throw new StationError('NOT_FOUND', `no component ${componentId}`, { componentId });
  assertNotAbandoned(store, componentId);
  const d = mustGet(store, c.dossierId);
  if (c.kind === 'intake' && INTAKE_LOCKED_STATES.has(d.state)) {
    throw new StationError('DOSSIER_NOT_EDITABLE', `dossier ${d.id} is ${d.state}: intake components are sent`, { id: d.id, state: d.state });
  }
  const reuse = patch.reuse ?? c.reuse;
  const replaced = patch.replacedResultCode !== undefined ? patch.replacedResultCode : c.replacedResultCode;
  // DuocTaiSuDung = 2 means "reused, replacing result MaKetQuaThayThe": the code must be given.
  if (reuse === 'reused_replaced' && !replaced) {
    throw new StationError('INVALID_REQUEST', 'reuse "reused_replaced" needs replacedResultCode (MaKetQuaThayThe)', { componentId });
  }
  const from = patch.validFrom !== undefined ? patch.validFrom : c.validFrom;
  const to = patch.validTo !== undefined ? patch.validTo : c.validTo;
  if (from && to && from.slice(0, 10) > to.slice(0, 10)) {
    throw new StationError('INVALID_REQUEST', `validity ends (${to}) before it starts (${from})`, { componentId });
  }
  const at = new Date().toISOString();
  store.tx(() => {
    updateComponent(store, componentId, { ...patch, ...(reuse !== 'reused_replaced' && patch.reuse !== undefined ? { replacedResultCode: null } : {}) }, at);
    appendAudit(store, { actor, action: 'component.update', subjectType: 'component', subjectId: componentId, details: { fields: Object.keys(patch) } });
  });
  return mustGet(store, c.dossierId);
}

export function addComponent(store: Store, dossierId: string, c: NewComponent, actor: string | null): Dossier {
  const d = mustGet(store, dossierId);
  refuseAbandoned(d);
  if (c.kind === 'intake' && INTAKE_LOCKED_STATES.has(d.state)) {
    throw new StationError('DOSSIER_NOT_EDITABLE', `dossier ${d.id} is ${d.state}`, { id: d.id, state: d.state });
  }
  if (d.components.some((x) => x.typeCode === c.typeCode && x.kind === c.kind)) {
    throw new StationError('CONFLICT', `dossier already has a ${c.kind} component ${c.typeCode}`, { typeCode: c.typeCode });
  }
  store.tx(() => {
    const id = insertComponent(store, dossierId, c, new Date().toISOString());
    appendAudit(store, { actor, action: 'component.add', subjectType: 'component', subjectId: id, details: { dossierId } });
  });
  return mustGet(store, dossierId);
}

export function addResults(store: Store, dossierId: string, actor: string | null): Dossier {
  const d = mustGet(store, dossierId);
  refuseAbandoned(d);
  if (d.purpose !== 'intake') throw new StationError('INVALID_REQUEST', `${dossierId} is already a result dossier`);
  store.tx(() => {
    const n = addResultComponents(store, dossierId, d.procedureCode, new Date().toISOString());
    if (n > 0) appendAudit(store, { actor, action: 'dossier.results.add', subjectType: 'dossier', subjectId: dossierId, details: { components: n } });
  });
  return mustGet(store, dossierId);
}

export interface NewResultDossier {
  stationId: string;
  procedureCode: string;
  resultFor: string;
  ownerId: string;
  ownerIdType?: OwnerIdType | undefined;
  ownerName: string;
  ownerKind?: 'citizen' | 'enterprise' | 'agency' | 'other' | undefined;
  summary?: string | undefined;
  createdBy: string | null;
}

export function createResultDossier(store: Store, n: NewResultDossier): Dossier {
  const procedure = getProcedure(store, n.procedureCode);
  if (!procedure || procedure.active !== 1) throw new StationError('UNKNOWN_PROCEDURE', `procedure ${n.procedureCode} is not in the catalogue`);
  if (!procedureComponents(store, n.procedureCode).some((c) => c.kind === 'result')) {
    throw new StationError('INVALID_REQUEST', `procedure ${n.procedureCode} lists no result components`);
  }
  const check = checkOwnerId(n.ownerId, n.ownerIdType);
  if (!check.valid) throw new StationError('INVALID_OWNER_ID', check.reason, { ownerId: n.ownerId });
  return store.tx(() => {
    const d = createDossier(store, {
      stationId: n.stationId,
      procedure,
      purpose: 'result',
      ownerIdType: check.type,
      ownerId: n.ownerId.trim(),
      ownerName: n.ownerName.trim(),
      ownerKind: n.ownerKind ?? (check.type === 'org' ? 'enterprise' : 'citizen'),
      summary: n.summary ?? null,
      createdBy: n.createdBy,
    });
    setResultFor(store, d.id, n.resultFor);
    appendAudit(store, { actor: n.createdBy, action: 'dossier.create', subjectType: 'dossier', subjectId: d.id, details: { resultFor: n.resultFor } });
    return mustGet(store, d.id);
  });
}

/** complete: refuses while a required component is unscanned or unsigned; then (by default) queues it. */
export function completeDossier(store: Store, id: string, queue: boolean, actor: string | null): Dossier {
  const d = mustGet(store, id);
  refuseAbandoned(d);
  const list = checklist(d);
  if (!list.complete) {
    throw new StationError('DOSSIER_INCOMPLETE', `${list.missingRequired.length} required component(s) missing`, {
      id,
      missing: list.missingRequired.map((m) => ({ componentId: m.componentId, typeCode: m.typeCode, name: m.name, missing: m.missing })),
    });
  }
  const at = new Date().toISOString();
  // The state change, the outbox entry and the audit row that records them commit together.
  store.tx(() => {
    if (d.state === 'draft') setDossierState(store, id, 'complete', at);
    if (queue) enqueueDossier(store, id, at);
    appendAudit(store, { actor, action: queue ? 'dossier.queue' : 'dossier.complete', subjectType: 'dossier', subjectId: id });
  });
  return mustGet(store, id);
}

export function procedureCatalogue(store: Store): {
  code: string;
  name: string;
  level: string;
  field: string | null;
  source: string | null;
  confirmed: boolean;
  components: { typeCode: string; name: string; kind: 'intake' | 'result'; required: boolean }[];
}[] {
  return listProcedures(store).map((p) => ({
    code: p.code,
    name: p.name,
    level: p.level,
    field: p.field,
    source: p.source,
    confirmed: p.confirmed === 1,
    components: procedureComponents(store, p.code).map((c) => ({ typeCode: c.type_code, name: c.name, kind: c.kind, required: c.required === 1 })),
  }));
}
