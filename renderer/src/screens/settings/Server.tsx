import { useEffect, useRef, useState } from 'react';
import type { ErrorPayload } from '../../../../electron/common/errors';
import { useAction, useQuery } from '../../api/context';
import { useI18n } from '../../i18n/context';
import { AdminForm } from './AdminForm';
import { Saved } from './Saved';

/** Settings tab: the one-stop server, the sync window, pausing, and enrolment. */
export function Server() {
  const { t } = useI18n();
  const status = useQuery('sync.status', {});
  const { run, busy } = useAction();
  const [server, setServer] = useState('');
  const [syncWindow, setSyncWindow] = useState('');
  const [code, setCode] = useState('');
  const [saved, setSaved] = useState(false);
  const [error, setError] = useState<ErrorPayload | null>(null);
  // Fill the form once from the first answer: a later refresh must not overwrite what the admin is typing.
  const filled = useRef(false);
  useEffect(() => {
    if (!status.data || filled.current) return;
    filled.current = true;
    setServer(status.data.server ?? '');
    setSyncWindow(status.data.window ?? '');
  }, [status.data]);
  const done = (r: { ok: boolean; error?: ErrorPayload } | null) => {
    if (!r) return;
    if (r.ok) {
      setSaved(true);
      status.reload();
    } else setError(r.error ?? null);
  };
  const save = async () => {
    setSaved(false);
    setError(null);
    done(await run('sync.configure', { server: server.trim() === '' ? null : server.trim(), window: syncWindow.trim() === "" ? null : syncWindow.trim() }, 'sync-config'));
  };
  const enrol = async () => {
    setSaved(false);
    setError(null);
    const r = await run('sync.enrol', server.trim() ? { enrolmentCode: code.trim(), server: server.trim() } : { enrolmentCode: code.trim() }, 'enrol');
    setCode('');
    done(r);
  };
  const pause = async () => {
    setSaved(false);
    setError(null);
    done(await run('sync.pause', { paused: !(status.data?.paused ?? false) }, 'pause'));
  };
  const s = status.data;
  return (
    <>
      <h2>{t('settings.server')}</h2>
      {s && (
        <dl className="kv" data-testid="settings-sync">
          <dt>{t('queue.state')}</dt>
          <dd>{t(`sync.state.${s.state}`)}</dd>
          <dt>{t('settings.enrolled')}</dt>
          <dd>{s.enrolled ? t('common.yes') : t('common.no')}</dd>
          <dt>{t('settings.online')}</dt>
          <dd>{s.online === null ? '–' : s.online ? t('common.yes') : t('common.no')}</dd>
        </dl>
      )}
      <AdminForm title={t('settings.connection')} onSubmit={save}>
        <label className="field">
          <span>{t('settings.serverUrl')}</span>
          <input type="url" value={server} onChange={(e) => setServer(e.target.value)} placeholder={t('settings.serverUrlPlaceholder')} />
        </label>
        <label className="field">
          <span>{t('settings.window')}</span>
          <input value={syncWindow} onChange={(e) => setSyncWindow(e.target.value)} placeholder={t('settings.windowPlaceholder')} />
        </label>
        <div className="actions">
          <button type="button" onClick={() => void pause()} disabled={busy !== null || !s}>
            {s?.paused ? t('settings.resume') : t('settings.pause')}
          </button>
          <button type="submit" className="primary" disabled={busy !== null}>
            {t('settings.save')}
          </button>
        </div>
      </AdminForm>
      <AdminForm title={t('settings.enrol')} onSubmit={enrol}>
        <label className="field">
          <span>{t('settings.enrolCode')}</span>
          <input value={code} autoComplete="off" onChange={(e) => setCode(e.target.value)} />
        </label>
        <p className="muted">{t('settings.enrolHint')}</p>
        <div className="actions">
          <button type="submit" className="primary" disabled={busy !== null || code.trim() === ''}>
            {t('settings.enrolButton')}
          </button>
        </div>
      </AdminForm>
      <Saved ok={saved} error={error} />
    </>
  );
}
