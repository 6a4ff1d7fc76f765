import type { searchMethods } from '../../../common/api/search';
import { foldText, matchesSearch } from '../../../common/search';
import { appendAudit } from '../../store/audit';
import { listDossiers } from '../../store/dossiers';
import { earlierDocuments } from '../../store/search';
import type { Station } from '../../station/station';
import type { HandlersFor } from '../context';

/** How many recent dossiers a search looks through (a station makes a few thousand a year). */
const SEARCH_WINDOW = 20_000;

export function createSearchHandlers(station: Station): HandlersFor<keyof typeof searchMethods> {
  const { store } = station;
  return {
    'dossiers.search': ({ query, purpose, limit }, ctx) => {
      if (foldText(query) === '') return [];
      const rows = listDossiers(store, { limit: SEARCH_WINDOW, ...(purpose ? { purpose } : {}) })
        .filter((d) => matchesSearch(`${d.id} ${d.serverCode ?? ''} ${d.ownerId} ${d.ownerName}`, query))
        .slice(0, limit);
      // Like a list, a search shows citizens' names and CCCDs: a read of personal data, logged with what was asked.
      appendAudit(store, { actor: ctx.user?.id ?? null, action: 'dossier.search', details: { query, purpose: purpose ?? null, shown: rows.length } });
      return rows;
    },
    'documents.earlier': ({ ownerId, typeCode, excludeDossierId, at }, ctx) => {
      const rows = earlierDocuments(store, { ownerId: ownerId.trim(), typeCode, excludeDossierId, at: at ?? new Date().toISOString().slice(0, 10) });
      appendAudit(store, { actor: ctx.user?.id ?? null, action: 'document.earlier', details: { ownerId: ownerId.trim(), typeCode: typeCode ?? null, shown: rows.length } });
      return rows;
    },
  };
}
