import { useState } from 'react';
import type { ErrorPayload } from '../../../../electron/common/errors';
import { useAction, useQuery } from '../../api/context';
import { useSession } from '../../auth/SessionGate';
import { useI18n } from '../../i18n/context';
import { AdminForm } from './AdminForm';
import { Saved } from './Saved';

/** Where "Lưu hồ sơ ra thư mục" writes: shown to everyone, changed by the admin only. */
export function ExportFolder() {
  const { t } = useI18n();
  const isAdmin = useSession().user.role === 'admin';
  const folder = useQuery('dossiers.exportFolder', {});
  const { run, busy } = useAction();
  const [dir, setDir] = useState('');
  const [saved, setSaved] = useState(false);
  const [error, setError] = useState<ErrorPayload | null>(null);
  const save = async () => {
    setSaved(false);
    setError(null);
    const r = await run('dossiers.setExportFolder', { dir: dir.trim() }, 'export-folder');
    if (!r) return;
    if (r.ok) {
      setSaved(true);
      setDir('');
      folder.reload();
    } else setError(r.error);
  };
  return (
    <AdminForm title={t('settings.exportFolder')} onSubmit={save}>
      <p>
        <span className="mono" data-testid="export-folder" data-default={folder.data?.isDefault ? 'true' : 'false'}>
          {folder.data?.dir}
        </span>
        {folder.data?.isDefault && <span className="muted"> ({t('settings.exportFolderDefault')})</span>}
      </p>
      <p className="muted">{t('settings.exportFolderHint')}</p>
      {isAdmin && (
        <>
          <label className="field">
            <span>{t('settings.exportFolderPath')}</span>
            <input type="text" value={dir} onChange={(e) => setDir(e.target.value)} spellCheck={false} data-testid="export-folder-input" />
          </label>
          <Saved ok={saved} error={error} />
          <div className="actions">
            <button type="submit" className="primary" disabled={busy !== null || dir.trim() === ''} data-testid="export-folder-save">
              {t('settings.save')}
            </button>
          </div>
        </>
      )}
    </AdminForm>
  );
}
