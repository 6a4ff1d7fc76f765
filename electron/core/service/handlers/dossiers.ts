import { isAbsolute } from 'node:path';
import type { dossierMethods } from '../../../common/api/dossiers';
import { abandonDossier, restoreDossier } from '../../dossiers/abandon';
import { takeReuse } from '../../dossiers/reuse';
import { encodeSheetCode } from '../../../common/sheetCodes';
import { exportFolder, exportTargetFor, setExportFolder } from '../../export/exportFolder';
import { readSyncSettings } from '../../sync/settings';
import { StationError } from '../../../common/errors';
import { checkOwnerId } from '../../../common/owner';
import { appendAudit } from '../../store/audit';
import { createDossier, getDossier, listDossiers } from '../../store/dossiers';
import { getProcedure } from '../../store/procedures';
import type { Station } from '../../station/station';
import type { HandlersFor, ServiceDeps } from '../context';
import { loadCatalogueFile } from '../../station/catalogue';
import {
  addComponent,
  addResults,
  completeDossier,
  createResultDossier,
  dossierChecklist,
  editComponent,
  procedureCatalogue,
} from '../../dossiers/service';

export function createDossierHandlers(station: Station, { sync }: Pick<ServiceDeps, 'sync'>): HandlersFor<keyof typeof dossierMethods> {
  const { store } = station;
  return {
    'dossiers.create': (p, ctx) => {
      const procedure = getProcedure(store, p.procedureCode);
      if (!procedure || procedure.active !== 1) {
        throw new StationError('UNKNOWN_PROCEDURE', `procedure ${p.procedureCode} is not in the catalogue`, { procedureCode: p.procedureCode });
      }
      const check = checkOwnerId(p.ownerId, p.ownerIdType);
      if (!check.valid) throw new StationError('INVALID_OWNER_ID', check.reason, { ownerId: p.ownerId });
      const ownerKind = p.ownerKind ?? (check.type === 'org' ? 'enterprise' : 'citizen');
      // The dossier and the audit row recording its creation commit together.
      const dossier = store.tx(() => {
        const created = createDossier(store, {
          stationId: station.row.id,
          procedure,
          purpose: p.purpose,
          ownerIdType: check.type,
          ownerId: p.ownerId.trim(),
          ownerName: p.ownerName.trim(),
          ownerKind,
          summary: p.summary ?? null,
          createdBy: ctx.user?.id ?? null,
        });
        appendAudit(store, { actor: ctx.user?.id ?? null, action: 'dossier.create', subjectType: 'dossier', subjectId: created.id });
        return created;
      });
      station.emit('dossier.changed', { id: dossier.id });
      return dossier;
    },
    'dossiers.list': (p, ctx) => {
      // A clerk sees their own drafts first; the records clerk and the admin see the station's in time order.
      const rows = listDossiers(store, { ...p, ownFirst: ctx.user?.role === 'clerk' ? ctx.user.id : undefined });
      // A list shows citizens' names and CCCDs: a read of personal data (Law 91/2025), logged with its filter.
      appendAudit(store, { actor: ctx.user?.id ?? null, action: 'dossier.list', details: { filter: p, shown: rows.length } });
      return rows;
    },
    'dossiers.get': ({ id }, ctx) => {
      const d = getDossier(store, id);
      if (!d) throw new StationError('NOT_FOUND', `no dossier ${id}`, { id });
      appendAudit(store, { actor: ctx.user?.id ?? null, action: 'dossier.view', subjectType: 'dossier', subjectId: id });
      return d;
    },
    'dossiers.cover': async ({ id, componentId }, ctx) => {
      const d = getDossier(store, id);
      if (!d) throw new StationError('NOT_FOUND', `no dossier ${id}`, { id });
      // Loaded on use: the sheet needs the QR and PDF writers, which `sohoa dossier list` never does.
      const { componentSeparatorContent, dossierCoverContent, sheetPdfBytes } = await import('../../dossiers/coverSheet');
      const content = componentId === undefined ? dossierCoverContent(d) : componentSeparatorContent(d, componentId);
      if (!content) throw new StationError('NOT_FOUND', `dossier ${id} has no component ${componentId}`, { id, componentId });
      const bytes = await sheetPdfBytes(content, station.layout.tmp);
      // The sheet shows the owner's name: printing it is a read of personal data.
      appendAudit(store, { actor: ctx.user?.id ?? null, action: 'dossier.cover', subjectType: 'dossier', subjectId: id, details: { componentId: componentId ?? null } });
      return { fileName: `${componentId === undefined ? 'phieu-kiem-soat' : 'to-phan-cach'}-${id}.pdf`, pdfBase64: bytes.toString('base64'), code: encodeSheetCode(content.code) };
    },
    // ---- dossier model (issue 7) ----
    'dossiers.updateComponent': ({ componentId, idempotencyKey: _k, ...patch }, ctx) => {
      const d = editComponent(store, componentId, patch, ctx.user?.id ?? null);
      station.emit('dossier.changed', { id: d.id });
      return d;
    },
    'dossiers.addComponent': ({ dossierId, typeCode, name, kind, required }, ctx) => {
      const d = addComponent(store, dossierId, { typeCode, name, kind, required }, ctx.user?.id ?? null);
      station.emit('dossier.changed', { id: d.id });
      return d;
    },
    'dossiers.addResults': ({ id }, ctx) => {
      const d = addResults(store, id, ctx.user?.id ?? null);
      station.emit('dossier.changed', { id: d.id });
      return d;
    },
    'dossiers.createResult': (p, ctx) => {
      const d = createResultDossier(store, {
        stationId: station.row.id,
        procedureCode: p.procedureCode,
        resultFor: p.resultFor,
        ownerId: p.ownerId,
        ownerIdType: p.ownerIdType,
        ownerName: p.ownerName,
        ownerKind: p.ownerKind,
        summary: p.summary,
        createdBy: ctx.user?.id ?? null,
      });
      station.emit('dossier.changed', { id: d.id });
      return d;
    },
    'dossiers.checklist': ({ id }) => dossierChecklist(store, id),
    'dossiers.complete': ({ id, queue }, ctx) => {
      const d = completeDossier(store, id, queue, ctx.user?.id ?? null);
      station.emit('dossier.changed', { id: d.id, state: d.state });
      if (queue) sync.kick();
      return d;
    },
    'dossiers.abandon': ({ id, reason }, ctx) => {
      const d = abandonDossier(store, id, reason, ctx.user?.id ?? null);
      station.emit('dossier.changed', { id: d.id, state: d.state });
      return d;
    },
    'dossiers.restore': ({ id }, ctx) => {
      const d = restoreDossier(store, id, ctx.user?.id ?? null);
      station.emit('dossier.changed', { id: d.id, state: d.state });
      return d;
    },
    'dossiers.procedures': () => procedureCatalogue(store),
    // The look-up through the target (qpdf check, adapters) loads at first use, like the export below.
    'dossiers.reuseCandidates': async ({ componentId, dossierCodes, remote }, ctx) => {
      const { lookUpReuse } = await import('../../dossiers/remoteReuse');
      const r = await lookUpReuse(station, sync, componentId, { dossierCodes, remote, actor: ctx.user?.id ?? null });
      // The offer names the citizen's earlier documents: a read of personal data, logged like documents.earlier.
      appendAudit(store, { actor: ctx.user?.id ?? null, action: 'document.earlier', subjectType: 'component', subjectId: componentId, details: { shown: r.candidates.length } });
      return r;
    },
    'dossiers.takeReuse': async ({ componentId, documentId, remote, replacedResultCode }, ctx) => {
      const actor = ctx.user?.id ?? null;
      const d = remote
        ? await (await import('../../dossiers/remoteReuse')).takeRemoteReuse(station, sync, componentId, { ...remote, replacedResultCode }, actor)
        : takeReuse(station, componentId, { documentId: documentId!, replacedResultCode }, actor);
      station.emit('dossier.changed', { id: d.id });
      return d;
    },
    // The export code (and jszip) loads at the first export: listing dossiers opens this group too.
    'dossiers.export': async ({ id, out }, ctx) => {
      const { exportDossier } = await import('../../export/dossierExport');
      if (out === undefined) {
        const d = getDossier(store, id);
        if (!d) throw new StationError('NOT_FOUND', `no dossier ${id}`, { id });
        return exportDossier(station, id, exportTargetFor(store, d, new Date(), readSyncSettings(store).utcOffsetMinutes), ctx.user?.id ?? null);
      }
      if (!isAbsolute(out)) throw new StationError('INVALID_REQUEST', 'out must be an absolute path (the CLI resolves it)', { out });
      return exportDossier(station, id, out, ctx.user?.id ?? null);
    },
    'dossiers.exportFolder': () => exportFolder(store),
    'dossiers.setExportFolder': ({ dir }, ctx) => {
      const r = setExportFolder(store, dir, ctx.user?.id ?? null);
      appendAudit(store, { actor: ctx.user?.id ?? null, action: 'export.folder', details: { dir: r.dir } });
      return r;
    },
    'dossiers.exportDay': async ({ day, out }, ctx) => {
      if (!isAbsolute(out)) throw new StationError('INVALID_REQUEST', 'out must be an absolute path (the CLI resolves it)', { out });
      const { exportDay } = await import('../../export/dossierExport');
      return exportDay(station, day, out, ctx.user?.id ?? null);
    },
    'dossiers.loadCatalogue': ({ file }, ctx) => {
      return store.tx(() => {
        const r = loadCatalogueFile(store, file, ctx.user?.id ?? null);
        appendAudit(store, { actor: ctx.user?.id ?? null, action: 'catalogue.load', details: { file, version: r.version } });
        return r;
      });
    },
  };
}
