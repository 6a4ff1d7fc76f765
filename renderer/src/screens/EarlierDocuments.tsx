import { useState } from 'react';
import type { ErrorPayload } from '../../../electron/common/errors';
import { useAction, useQuery } from '../api/context';
import { ErrorBox } from '../components/ErrorBox';
import { useI18n } from '../i18n/context';
import { formatDate } from '../lib/dates';

/**
 * Before a component is scanned: the citizen's signed documents of the same kind in earlier dossiers of
 * this station that are still valid (the reuse look-up, dossiers.reuseCandidates) — the clerk may not need
 * the paper again (NĐ 45/2020 Art. 19). "Dùng lại giấy tờ này" attaches the signed document itself with its
 * reuse fields (DuocTaiSuDung, MaKetQuaThayThe) instead of a scan.
 */
export function EarlierDocuments({ componentId, onTaken }: { componentId: string; onTaken(): void }) {
  const { t } = useI18n();
  const { run, busy } = useAction();
  const [error, setError] = useState<ErrorPayload | null>(null);
  const earlier = useQuery('dossiers.reuseCandidates', { componentId }, [componentId]);
  const docs = earlier.data?.candidates ?? [];
  if (docs.length === 0) return null;
  // A local copy is taken by its document id; one the province's system holds by its MaHoSo and hash (fetched then).
  const take = async (d: (typeof docs)[number]) => {
    setError(null);
    const which = d.documentId ? { documentId: d.documentId } : { remote: { dossierCode: d.dossierCode ?? '', sha256: d.sha256 } };
    const r = await run('dossiers.takeReuse', { componentId, ...which }, `reuse-${componentId}`);
    if (!r) return;
    if (r.ok) onTaken();
    else setError(r.error);
  };
  return (
    <div className="earlier" role="note" data-testid="earlier-documents">
      <strong>{t('earlier.title', { n: docs.length })}</strong>
      <ul className="plain">
        {docs.slice(0, 3).map((d) => (
          <li key={d.documentId ?? `${d.dossierCode}:${d.sha256}`} data-testid="earlier-document" data-source={d.source} data-dossier={d.dossierId ?? undefined} data-document={d.documentId ?? undefined}>
            <span>
              <bdi className="ellipsis">{d.componentName}</bdi> ·{' '}
              {d.signedAt ? t('reuse.from', { code: d.dossierCode ?? d.dossierId ?? '', date: formatDate(d.signedAt) }) : t('reuse.fromProvince', { code: d.dossierCode ?? '' })}
              {d.pageCount !== null && ` · ${t('reuse.pages', { n: d.pageCount })}`} ·{' '}
              <span data-testid="earlier-validity">{d.source === 'remote' && !d.validFrom && !d.validTo ? t('reuse.validityUnknown') : validity(t, d.validFrom, d.validTo)}</span>
              {d.validityScope && ` (${d.validityScope})`}
            </span>{' '}
            <button type="button" onClick={() => void take(d)} disabled={busy !== null} data-testid="reuse">
              {t('reuse.action')}
            </button>
          </li>
        ))}
      </ul>
      {error && <ErrorBox error={error} />}
    </div>
  );
}

function validity(t: ReturnType<typeof useI18n>['t'], from: string | null, to: string | null): string {
  if (from && to) return t('reuse.validity', { from: formatDate(from), to: formatDate(to) });
  if (to) return t('reuse.validTo', { date: formatDate(to) });
  if (from) return t('reuse.validFrom', { date: formatDate(from) });
  return t('reuse.noEnd');
}
