import { StationError } from '../../common/errors';
import type { Dossier } from '../../common/schemas';
import { dossierStateOfComponent, markAbandoned, markRestored } from '../store/abandon';
import { appendAudit } from '../store/audit';
import type { Store } from '../store/db';
import { requireDossier as mustGet } from '../store/dossiers';

/**
 * "Bỏ hồ sơ": a draft the citizen will not finish leaves the drafts list. Nothing captured is deleted — the
 * pages and documents stay, search still finds the dossier and an admin can restore it; the clerk and the
 * reason are written to the dossier and to the audit log.
 */
export function abandonDossier(store: Store, id: string, reason: string, actor: string | null): Dossier {
  const d = mustGet(store, id);
  if (d.state === 'abandoned') return d; // a retried request (or a second clerk) finds it done
  if (d.state !== 'draft') {
    throw new StationError('DOSSIER_NOT_EDITABLE', `dossier ${id} is ${d.state}: only a draft can be abandoned`, { id, state: d.state });
  }
  const pages = d.components.reduce((n, c) => n + c.pageCount, 0);
  store.tx(() => {
    if (!markAbandoned(store, { id, by: actor, reason: reason.trim(), at: new Date().toISOString() })) {
      throw new StationError('CONFLICT', `dossier ${id} changed while it was being abandoned`, { id });
    }
    appendAudit(store, { actor, action: 'dossier.abandon', subjectType: 'dossier', subjectId: id, details: { reason: reason.trim(), pagesKept: pages } });
  });
  return mustGet(store, id);
}

/** An admin puts an abandoned dossier back among the drafts, as it was. */
export function restoreDossier(store: Store, id: string, actor: string | null): Dossier {
  const d = mustGet(store, id);
  if (d.state !== 'abandoned') throw new StationError('CONFLICT', `dossier ${id} is ${d.state}, not abandoned`, { id, state: d.state });
  store.tx(() => {
    if (!markRestored(store, { id, at: new Date().toISOString() })) throw new StationError('CONFLICT', `dossier ${id} changed while it was being restored`, { id });
    appendAudit(store, { actor, action: 'dossier.restore', subjectType: 'dossier', subjectId: id, details: { abandonedBy: d.abandoned?.by ?? null, reason: d.abandoned?.reason ?? null } });
  });
  return mustGet(store, id);
}

/** Scanning, importing, assembling, signing and editing stop at an abandoned dossier (restore it first). */
export function assertNotAbandoned(store: Store, componentId: string): void {
  const s = dossierStateOfComponent(store, componentId);
  if (s) refuseAbandoned({ id: s.dossierId, state: s.state });
}

/** The same for a dossier already read (completing it, adding components or results). */
export function refuseAbandoned(d: { id: string; state: string }): void {
  if (d.state === 'abandoned') throw new StationError('DOSSIER_ABANDONED', `dossier ${d.id} was abandoned; an admin can restore it`, { dossierId: d.id });
}
