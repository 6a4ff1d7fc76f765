import type { ErrorPayload } from '../../../electron/common/errors';
import { isErrorCode } from '../../../electron/common/errors';
import { useState } from 'react';
import { useAction, useEvents, useQuery } from '../api/context';
import { ErrorBox } from '../components/ErrorBox';
import { ExportButton } from '../components/ExportButton';
import { useI18n } from '../i18n/context';

/** What waits to be sent, what was sent (server code), the last failure with Retry; live from sync events. */
export function Queue() {
  const { t, lang } = useI18n();
  const { run, busy } = useAction();
  const dossiers = useQuery('dossiers.list', { limit: 200 });
  const status = useQuery('sync.status', {});
  const [error, setError] = useState<ErrorPayload | null>(null);
  useEvents((ev) => {
    if (ev.type === 'sync.state' || ev.type === 'dossier.changed') {
      status.reload();
      dossiers.reload();
    }
  });
  const retry = async () => {
    setError(null);
    const r = await run('sync.now', {}, 'sync');
    if (r && !r.ok) setError(r.error);
    status.reload();
    dossiers.reload();
  };
  const s = status.data;
  const lastError: ErrorPayload | null =
    s?.lastErrorCode && isErrorCode(s.lastErrorCode) ? { code: s.lastErrorCode, message: s.lastError ?? '' } : null;
  // Drafts are still at the counter and abandoned ones never go: the queue is what is finished.
  const rows = (dossiers.data ?? []).filter((d) => d.state !== 'draft' && d.state !== 'abandoned');
  // Until the first answer there is nothing to say: "no dossier waits" would be a false statement.
  const loading = dossiers.data === null && dossiers.error === null;
  return (
    <section className="screen" aria-labelledby="queue-title" data-testid="screen-queue">
      <div className="screen-head">
        <h1 id="queue-title">{t('queue.title')}</h1>
        <button type="button" className="primary" onClick={() => void retry()} disabled={busy !== null} data-testid="sync-now">
          {t('queue.syncNow')}
        </button>
      </div>
      {s && (
        <dl className="kv summary" data-testid="sync-summary" data-state={s.state}>
          <dt>{t('queue.state')}</dt>
          <dd>{t(`sync.state.${s.state}`)}</dd>
          <dt>{t('queue.pending')}</dt>
          <dd data-testid="sync-pending">{s.pendingDossiers}</dd>
          <dt>{t('queue.failed')}</dt>
          <dd>{s.failedDossiers}</dd>
          <dt>{t('queue.uploads')}</dt>
          <dd>{s.pendingUploads}</dd>
          <dt>{t('queue.lastSync')}</dt>
          <dd>{s.lastSyncAt ? new Date(s.lastSyncAt).toLocaleString(lang === 'vi' ? 'vi-VN' : 'en-GB') : '–'}</dd>
        </dl>
      )}
      {lastError && (
        <ErrorBox error={lastError} testId="sync-error">
          <button type="button" onClick={() => void retry()} data-testid="sync-retry">
            {t('queue.retry')}
          </button>
        </ErrorBox>
      )}
      {error && <ErrorBox error={error} />}
      {dossiers.error && <ErrorBox error={dossiers.error} />}
      <table className="table" data-testid="queue-table" aria-busy={loading}>
        <thead>
          <tr>
            <th scope="col">{t('queue.col.dossier')}</th>
            <th scope="col">{t('queue.col.owner')}</th>
            <th scope="col">{t('queue.col.procedure')}</th>
            <th scope="col">{t('queue.col.state')}</th>
            <th scope="col">{t('queue.col.export')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((d) => (
            <tr key={d.id} data-testid="queue-row" data-state={d.state} data-id={d.id}>
              <td>
                <span className="mono">{d.serverCode ?? d.id}</span>
              </td>
              <td>
                <bdi className="ellipsis" title={d.ownerName}>
                  {d.ownerName || d.ownerId}
                </bdi>
              </td>
              <td>{d.procedureCode}</td>
              <td>{t(`dossier.state.${d.state}`)}</td>
              <td>
                <ExportButton dossierId={d.id} />
              </td>
            </tr>
          ))}
          {loading && (
            <tr>
              <td colSpan={5} className="muted" role="status" data-testid="queue-loading">
                {t('queue.loading')}
              </td>
            </tr>
          )}
          {!loading && dossiers.data !== null && rows.length === 0 && (
            <tr data-testid="queue-empty">
              <td colSpan={5} className="muted">
                {t('queue.empty')}
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </section>
  );
}
