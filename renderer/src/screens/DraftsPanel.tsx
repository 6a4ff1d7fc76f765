import { useState } from 'react';
import type { DossierSummary } from '../../../electron/common/schemas';
import { useEvents, useQuery } from '../api/context';
import { ErrorBox } from '../components/ErrorBox';
import { Kbd } from '../components/Kbd';
import { useI18n } from '../i18n/context';
import { formatDate } from '../lib/dates';
import { SHORTCUTS, matches } from '../lib/keys';
import { useKeydown } from '../lib/useKeydown';
import { useSettled } from '../lib/useSettled';

/** A pause this long ends a query (typing a 12-digit CCCD is one search, not eleven). */
const SEARCH_SETTLE_MS = 400;

/**
 * "Hồ sơ đang làm dở": this screen's drafts, newest first; Alt+R resumes the newest, Enter/click any.
 * Below it, "Tìm hồ sơ": the station's dossiers by CCCD, name (diacritics ignored), dossier code or draft id.
 */
export function DraftsPanel({ purpose, active, onOpen }: { purpose: 'intake' | 'result'; active: boolean; onOpen(d: DossierSummary): void }) {
  const { t } = useI18n();
  const drafts = useQuery('dossiers.list', { state: 'draft', purpose, limit: 20 }, [active]);
  const [query, setQuery] = useState('');
  // One search per settled query (each is an audited read of citizens' data), not one per keystroke.
  const [settledQuery, settleNow] = useSettled(query, SEARCH_SETTLE_MS);
  const q = settledQuery.trim();
  const typing = query.trim() !== q;
  // On the results screen every dossier can be found: an intake dossier is where its results belong.
  const found = useQuery('dossiers.search', q.length >= 2 ? { query: q, ...(purpose === 'intake' ? { purpose } : {}), limit: 20 } : null);
  useEvents((ev) => {
    if (ev.type === 'dossier.changed') drafts.reload();
  });
  const list = drafts.data ?? [];
  useKeydown(active, (e) => {
    if (matches(e, SHORTCUTS.resumeDraft) && list[0]) {
      e.preventDefault();
      onOpen(list[0]);
    }
  });
  return (
    <div className="side">
      <section className="panel drafts" aria-labelledby={`${purpose}-drafts`} aria-busy={drafts.data === null && drafts.error === null} data-testid="drafts">
        <h2 id={`${purpose}-drafts`}>{t('drafts.title')}</h2>
        {drafts.error && <ErrorBox error={drafts.error} />}
        {drafts.data && list.length === 0 && <p className="muted">{t('drafts.none')}</p>}
        <ul className="plain dossier-list">
          {list.map((d, i) => (
            <li key={d.id}>
              <DossierButton d={d} onOpen={onOpen} testId="draft" shortcut={i === 0 ? SHORTCUTS.resumeDraft : undefined} />
            </li>
          ))}
        </ul>
      </section>
      <section className="panel find" aria-labelledby={`${purpose}-find`} data-testid="find">
        <h2 id={`${purpose}-find`}>{t('find.title')}</h2>
        <label className="field">
          <span>{t('find.label')}</span>
          <input
            type="search"
            value={query}
            onChange={(e) => setQuery(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter') settleNow();
            }}
            placeholder={t('find.placeholder')}
            data-testid="find-input"
            data-settled={typing ? 'false' : 'true'}
            autoComplete="off"
          />
        </label>
        {typing && query.trim().length >= 2 && <p className="muted small">{t('find.typing')}</p>}
        {found.error && <ErrorBox error={found.error} />}
        {!typing && q.length >= 2 && found.data && found.data.length === 0 && <p className="muted">{t('find.none')}</p>}
        <ul className="plain dossier-list">
          {q.length >= 2 &&
            (found.data ?? []).map((d) => (
              <li key={d.id}>
                <DossierButton d={d} onOpen={onOpen} testId="found" />
              </li>
            ))}
        </ul>
      </section>
    </div>
  );
}

function DossierButton({ d, onOpen, testId, shortcut }: { d: DossierSummary; onOpen(d: DossierSummary): void; testId: string; shortcut?: string | undefined }) {
  const { t } = useI18n();
  return (
    <button type="button" className="dossier-item" onClick={() => onOpen(d)} data-testid={testId} data-id={d.id} data-state={d.state} aria-keyshortcuts={shortcut}>
      <span className="dossier-item-top">
        <bdi className="owner-name">{d.ownerName || d.ownerId}</bdi>
        <span className="mono">{d.ownerId}</span>
        {shortcut && <Kbd keys={shortcut} />}
      </span>
      <span className="muted small">
        <span className="code">{d.procedureCode}</span> {d.procedureName}
      </span>
      <span className="muted small">
        {d.serverCode ?? d.id} · {formatDate(d.createdAt)} · {t(`dossier.state.${d.state}`)}
        {d.state === 'draft' && d.missingRequired > 0 && ` · ${t('drafts.missing', { n: d.missingRequired })}`}
      </span>
    </button>
  );
}
