import { useState } from 'react';
import type { ErrorPayload } from '../../../../electron/common/errors';
import { useAction, useQuery } from '../../api/context';
import { useI18n } from '../../i18n/context';
import { AdminForm } from './AdminForm';
import { ExportFolder } from './ExportFolder';
import { Saved } from './Saved';

/** Settings tab: where the data lives, the schema and version, retention, and the export folder. */
export function Storage() {
  const { t } = useI18n();
  const info = useQuery('station.info', {});
  const { run, busy } = useAction();
  const [days, setDays] = useState('');
  const [saved, setSaved] = useState(false);
  const [error, setError] = useState<ErrorPayload | null>(null);
  const save = async () => {
    setSaved(false);
    setError(null);
    const n = Number(days);
    if (!Number.isFinite(n) || n < 0) return;
    const r = await run('sync.configure', { retentionDays: n }, 'retention');
    if (!r) return;
    if (r.ok) setSaved(true);
    else setError(r.error);
  };
  return (
    <>
      <h2>{t('settings.storage')}</h2>
      <dl className="kv">
        <dt>{t('settings.dataDir')}</dt>
        <dd className="mono">{info.data?.dataDir}</dd>
        <dt>{t('settings.schema')}</dt>
        <dd>{info.data?.schemaVersion}</dd>
        <dt>{t('settings.version')}</dt>
        <dd>{info.data?.version}</dd>
      </dl>
      <AdminForm title={t('settings.retention')} onSubmit={save}>
        <label className="field">
          <span>{t('settings.retentionDays')}</span>
          <input type="number" min={0} max={3650} value={days} onChange={(e) => setDays(e.target.value)} />
        </label>
        <p className="muted">{t('settings.retentionHint')}</p>
        <Saved ok={saved} error={error} />
        <div className="actions">
          <button type="submit" className="primary" disabled={busy !== null || days === ''}>
            {t('settings.save')}
          </button>
        </div>
      </AdminForm>
      <ExportFolder />
    </>
  );
}
