import { useEffect, useState } from 'react';
import type { ErrorPayload } from '../../../electron/common/errors';
import { callMaybe, hasMethod, useAction, useEvents, useQuery, useStation } from '../api/context';
import { ErrorBox } from '../components/ErrorBox';
import { useI18n } from '../i18n/context';

interface SyncItem {
  dossierId: string;
  state: string;
  progress: number | null;
  error: ErrorPayload | null;
}

function toItems(v: unknown): SyncItem[] {
  const items = (v as { items?: unknown[] } | null)?.items;
  if (!Array.isArray(items)) return [];
  return (items as Record<string, unknown>[]).map((x) => ({
    dossierId: String(x.dossierId ?? x.id ?? ''),
    state: String(x.state ?? ''),
    progress: typeof x.progress === 'number' ? x.progress : null,
    error: (x.error as ErrorPayload | null | undefined) ?? (typeof x.lastError === 'string' ? { code: x.lastError as ErrorPayload['code'], message: '' } : null),
  }));
}

/** What waits to be sent, what is being sent (progress), what failed (the reason, Retry). */
export function Queue() {
  const { t } = useI18n();
  const { transport, generation } = useStation();
  const { run, busy } = useAction();
  const dossiers = useQuery('dossiers.list', { limit: 200 });
  const [sync, setSync] = useState<{ online: boolean; items: SyncItem[]; raw: unknown } | null>(null);
  const [error, setError] = useState<ErrorPayload | null>(null);
  const loadSync = async () => {
    if (!hasMethod('sync.status')) return;
    const r = await callMaybe(transport, 'sync.status', {});
    if (r.ok) setSync({ online: Boolean((r.value as { online?: boolean }).online), items: toItems(r.value), raw: r.value });
  };
  useEffect(() => {
    void loadSync();
  }, [generation]);
  useEvents((ev) => {
    if (ev.type.startsWith('sync.') || ev.type === 'dossier.changed') {
      void loadSync();
      dossiers.reload();
    }
  });
  const retry = async () => {
    setError(null);
    if (!hasMethod('sync.now')) return setError({ code: 'UNSUPPORTED', message: 'sync.now' });
    const r = await run('sync.now' as never, {} as never, 'sync');
    if (r && !r.ok) setError(r.error);
    void loadSync();
    dossiers.reload();
  };
  const byId = new Map((sync?.items ?? []).map((i) => [i.dossierId, i]));
  const rows = (dossiers.data ?? []).filter((d) => d.state !== 'draft');
  return (
    <section className="screen" aria-labelledby="queue-title" data-testid="screen-queue">
      <div className="screen-head">
        <h1 id="queue-title">{t('queue.title')}</h1>
        <button type="button" className="primary" onClick={() => void retry()} disabled={busy !== null} data-testid="sync-now">
          {t('queue.syncNow')}
        </button>
      </div>
      {error && <ErrorBox error={error} />}
      {dossiers.error && <ErrorBox error={dossiers.error} />}
      <table className="table" data-testid="queue-table">
        <thead>
          <tr>
            <th scope="col">{t('queue.col.dossier')}</th>
            <th scope="col">{t('queue.col.owner')}</th>
            <th scope="col">{t('queue.col.procedure')}</th>
            <th scope="col">{t('queue.col.state')}</th>
            <th scope="col">{t('queue.col.progress')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((d) => {
            const item = byId.get(d.id);
            return (
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
                  {item?.progress != null && <progress max={100} value={item.progress} aria-label={t('queue.col.progress')} />}
                  {item?.error && (
                    <ErrorBox error={item.error}>
                      <button type="button" onClick={() => void retry()}>
                        {t('queue.retry')}
                      </button>
                    </ErrorBox>
                  )}
                </td>
              </tr>
            );
          })}
          {rows.length === 0 && (
            <tr>
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
