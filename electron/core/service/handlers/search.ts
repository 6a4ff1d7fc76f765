import type { searchMethods } from '../../../common/api/search';
import { foldText, matchesSearch } from '../../../common/search';
import { appendAudit } from '../../store/audit';
import { listDossiers } from '../../store/dossiers';
import { dossiersWithText } from '../../store/ocrJobs';
import { earlierDocuments } from '../../store/search';
import type { Station } from '../../station/station';
import type { HandlersFor } from '../context';

/** How many recent dossiers a search looks through (a station makes a few thousand a year). */
const SEARCH_WINDOW = 20_000;

export function createSearchHandlers(station: Station): HandlersFor<keyof typeof searchMethods> {
  const { store } = station;
  return {
    'dossiers.search': ({ query, purpose, limit }, ctx) => {
      const folded = foldText(query);
      if (folded === '') return [];
      // The station's own text: a dossier is found by a word printed on its pages (background OCR).
      const longest = folded.split(' ').reduce((a, b) => (b.length > a.length ? b : a));
      const byText = new Set(longest.length >= 3 ? dossiersWithText(store, longest).filter((r) => matchesSearch(r.folded, query)).map((r) => r.dossierId) : []);
      const rows = listDossiers(store, { limit: SEARCH_WINDOW, ...(purpose ? { purpose } : {}) })
        .filter((d) => byText.has(d.id) || matchesSearch(`${d.id} ${d.serverCode ?? ''} ${d.ownerId} ${d.ownerName}`, query))
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
