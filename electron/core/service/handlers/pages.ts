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
  /**
   * One review action: its writes and the audit row that records them commit together (a crash or a failed
   * audit write leaves neither), and only then do listeners hear of it.
   */
  const change = (p: ReviewPage, action: string, actor: string | null, write: () => void, details?: Record<string, unknown>): void => {
    store.tx(() => {
      write();
      appendAudit(store, details ? { actor, action, subjectType: 'page', subjectId: p.id, details } : { actor, action, subjectType: 'page', subjectId: p.id });
    });
    station.emit('pages.changed', { componentId: p.componentId, pageId: p.id, action });
  };
  return {
    'pages.list': ({ componentId, includeDeleted }) => listReviewPages(store, componentId, includeDeleted),
    'pages.rotate': ({ pageId, rotation }, ctx) => {
      const p = need(pageId);
      change(p, 'page.rotate', ctx.user?.id ?? null, () => setPageRotation(store, pageId, rotation), { rotation });
      return need(pageId);
    },
    'pages.move': ({ pageId, position }, ctx) => {
      const p = need(pageId);
      if (p.deleted) throw new StationError('CONFLICT', `page ${pageId} is deleted`, { pageId });
      const move = (): void => {
        const ids = listReviewPages(store, p.componentId).map((x) => x.id).filter((id) => id !== pageId);
        ids.splice(Math.min(position, ids.length), 0, pageId);
        writeOrder(store, ids);
      };
      change(p, 'page.move', ctx.user?.id ?? null, move, { position });
      return listReviewPages(store, p.componentId);
    },
    'pages.delete': ({ pageId }, ctx) => {
      const p = need(pageId);
      if (!p.deleted) {
        const remove = (): void => {
          softDeletePage(store, pageId);
          writeOrder(store, listReviewPages(store, p.componentId).map((x) => x.id));
        };
        change(p, 'page.delete', ctx.user?.id ?? null, remove);
      }
      return need(pageId);
    },
    'pages.restore': ({ pageId }, ctx) => {
      const p = need(pageId);
      if (p.deleted) {
        change(p, 'page.restore', ctx.user?.id ?? null, () => restorePage(store, pageId, p.componentId));
      }
      return need(pageId);
    },
    'pages.setBlank': ({ pageId, decision }, ctx) => {
      const p = need(pageId);
      change(p, 'page.blank', ctx.user?.id ?? null, () => setPageBlankFlag(store, pageId, decision === 'blank' ? 'confirmed_blank' : 'confirmed_keep'), { decision });
      return need(pageId);
    },
  };
}
