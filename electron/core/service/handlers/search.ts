import type { searchMethods } from '../../../common/api/search';
import { foldText, matchesSearch } from '../../../common/search';
import { listDossiers } from '../../store/dossiers';
import { earlierDocuments } from '../../store/search';
import type { Station } from '../../station/station';
import type { HandlersFor } from '../context';

/** How many recent dossiers a search looks through (a station makes a few thousand a year). */
const SEARCH_WINDOW = 20_000;

export function createSearchHandlers(station: Station): HandlersFor<keyof typeof searchMethods> {
  const { store } = station;
  return {
    'dossiers.search': ({ query, purpose, limit }) => {
      if (foldText(query) === '') return [];
      return listDossiers(store, { limit: SEARCH_WINDOW, ...(purpose ? { purpose } : {}) })
        .filter((d) => matchesSearch(`${d.id} ${d.serverCode ?? ''} ${d.ownerId} ${d.ownerName}`, query))
        .slice(0, limit);
    },
    'documents.earlier': ({ ownerId, typeCode, excludeDossierId, at }) =>
      earlierDocuments(store, { ownerId: ownerId.trim(), typeCode, excludeDossierId, at: at ?? new Date().toISOString().slice(0, 10) }),
  };
}
