import { useQuery } from '../api/context';
import { useI18n } from '../i18n/context';
import { formatDate } from '../lib/dates';

/**
 * Before a component is scanned: the citizen's signed documents of the same kind in earlier dossiers of
 * this station that are still valid — the clerk may not need the paper again (reuse, NĐ 45/2020 Art. 19).
 */
export function EarlierDocuments({ ownerId, typeCode, dossierId }: { ownerId: string; typeCode: string; dossierId: string }) {
  const { t } = useI18n();
  const earlier = useQuery('documents.earlier', { ownerId, typeCode, excludeDossierId: dossierId }, [ownerId, typeCode, dossierId]);
  const docs = earlier.data ?? [];
  if (docs.length === 0) return null;
  return (
    <div className="earlier" role="note" data-testid="earlier-documents">
      <strong>{t('earlier.title', { n: docs.length })}</strong>
      <ul className="plain">
        {docs.slice(0, 3).map((d) => (
          <li key={d.documentId} data-testid="earlier-document" data-dossier={d.dossierId}>
            <bdi className="ellipsis">{d.componentName}</bdi> · {t('earlier.from', { code: d.serverCode ?? d.dossierId, date: formatDate(d.createdAt) })}
            {d.validTo && ` · ${t('earlier.validTo', { date: formatDate(d.validTo) })}`}
          </li>
        ))}
      </ul>
    </div>
  );
}
