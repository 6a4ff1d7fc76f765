import type { pagesMethods, ReviewPage } from '../../../common/api/pages';
import { StationError } from '../../../common/errors';
import { appendAudit } from '../../store/audit';
import { getReviewPage, listReviewPages, restorePage, setPageBlankFlag, setPageRotation, softDeletePage, writeOrder } from '../../store/reviewPages';
import type { Station } from '../../station/station';
import type { HandlersFor } from '../context';

/** Review of captured pages before assembly (see electron/common/api/pages.ts). */
export function createPagesHandlers(station: Station): HandlersFor<keyof typeof pagesMethods> {
  const { store } = station;
  const need = (id: string): ReviewPage => {
    const p = getReviewPage(store, id);
    if (!p) throw new StationError('NOT_FOUND', `no page ${id}`, { pageId: id });
    return p;
  };
  const changed = (p: ReviewPage, action: string, actor: string | null, details?: Record<string, unknown>): void => {
    appendAudit(store, details ? { actor, action, subjectType: 'page', subjectId: p.id, details } : { actor, action, subjectType: 'page', subjectId: p.id });
    station.emit('pages.changed', { componentId: p.componentId, pageId: p.id, action });
  };
  return {
    'pages.list': ({ componentId, includeDeleted }) => listReviewPages(store, componentId, includeDeleted),
    'pages.rotate': ({ pageId, rotation }, ctx) => {
      const p = need(pageId);
      setPageRotation(store, pageId, rotation);
      changed(p, 'page.rotate', ctx.user?.id ?? null, { rotation });
      return need(pageId);
    },
    'pages.move': ({ pageId, position }, ctx) => {
      const p = need(pageId);
      if (p.deleted) throw new StationError('CONFLICT', `page ${pageId} is deleted`, { pageId });
      const ids = listReviewPages(store, p.componentId).map((x) => x.id).filter((id) => id !== pageId);
      ids.splice(Math.min(position, ids.length), 0, pageId);
      writeOrder(store, ids);
      changed(p, 'page.move', ctx.user?.id ?? null, { position });
      return listReviewPages(store, p.componentId);
    },
    'pages.delete': ({ pageId }, ctx) => {
      const p = need(pageId);
      if (!p.deleted) {
        softDeletePage(store, pageId);
        writeOrder(store, listReviewPages(store, p.componentId).map((x) => x.id));
        changed(p, 'page.delete', ctx.user?.id ?? null);
      }
      return need(pageId);
    },
    'pages.restore': ({ pageId }, ctx) => {
      const p = need(pageId);
      if (p.deleted) {
        restorePage(store, pageId, p.componentId);
        changed(p, 'page.restore', ctx.user?.id ?? null);
      }
      return need(pageId);
    },
    'pages.setBlank': ({ pageId, decision }, ctx) => {
      const p = need(pageId);
      setPageBlankFlag(store, pageId, decision === 'blank' ? 'confirmed_blank' : 'confirmed_keep');
      changed(p, 'page.blank', ctx.user?.id ?? null, { decision });
      return need(pageId);
    },
  };
}
