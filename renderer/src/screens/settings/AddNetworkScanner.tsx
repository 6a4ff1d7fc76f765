import { useState } from 'react';
import type { ErrorPayload } from '../../../../electron/common/errors';
import type { Device } from '../../../../electron/common/schemas';
import { useAction } from '../../api/context';
import { ErrorBox } from '../../components/ErrorBox';
import { useI18n } from '../../i18n/context';
import { AdminForm } from './AdminForm';

/**
 * "Thêm máy quét mạng": an eSCL scanner outside DNS-SD reach, by its URL (admin). An HTTPS scanner with a
 * self-signed certificate is refused first with its SHA-256 fingerprint; the admin compares it with the
 * scanner's own settings page and confirms, which pins that certificate (devices.addEscl trustFingerprint).
 */
export function AddNetworkScanner({ onAdded }: { onAdded(d: Device): void }) {
  const { t } = useI18n();
  const { run, busy } = useAction();
  const [url, setUrl] = useState('');
  const [fingerprint, setFingerprint] = useState<string | null>(null);
  const [added, setAdded] = useState<Device | null>(null);
  const [error, setError] = useState<ErrorPayload | null>(null);

  const add = async (trustFingerprint?: string) => {
    setError(null);
    setAdded(null);
    const r = await run('devices.addEscl', { url: url.trim(), ...(trustFingerprint ? { trustFingerprint } : {}) }, 'add-escl');
    if (!r) return;
    if (r.ok) {
      setFingerprint(null);
      setAdded(r.value);
      onAdded(r.value);
      return;
    }
    const fp = r.error.details?.fingerprint256;
    if (r.error.code === 'SCANNER_CERT_NOT_TRUSTED' && typeof fp === 'string') setFingerprint(fp);
    else {
      setFingerprint(null);
      setError(r.error);
    }
  };

  return (
    <div data-testid="escl-add">
      <AdminForm title={t('settings.escl.title')} onSubmit={() => add()}>
      <label className="field">
        <span>{t('settings.escl.url')}</span>
        <input
          type="url"
          required
          value={url}
          onChange={(e) => {
            setUrl(e.target.value);
            setFingerprint(null);
          }}
          data-testid="escl-url"
        />
      </label>
      <p className="muted">{t('settings.escl.hint')}</p>
      {fingerprint && (
        <div className="check" role="alert" data-testid="escl-fingerprint">
          <p>{t('settings.escl.confirmCert')}</p>
          <p className="mono" data-testid="escl-fingerprint-value">
            {fingerprint}
          </p>
          <button type="button" disabled={busy !== null} onClick={() => void add(fingerprint)} data-testid="escl-trust">
            {t('settings.escl.trust')}
          </button>
        </div>
      )}
      {error && <ErrorBox error={error} />}
      {added && (
        <p className="check ok" role="status" data-testid="escl-added">
          {t('settings.escl.added', { name: added.name })}
        </p>
      )}
      <div className="actions">
        <button type="submit" className="primary" disabled={busy !== null || url.trim() === ''} data-testid="escl-submit">
          {t('settings.escl.add')}
        </button>
      </div>
      </AdminForm>
    </div>
  );
}
