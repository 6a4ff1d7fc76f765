import { useState, type FormEvent } from 'react';
import type { ErrorPayload } from '../../../electron/common/errors';
import { useStation } from '../api/context';
import { ErrorBox } from '../components/ErrorBox';
import { useI18n } from '../i18n/context';

/**
 * The signed-in clerk changes their own password (auth.changePassword: the current one is checked and
 * rate-limited like a sign-in). After an admin's reset it opens by itself and cannot be dismissed.
 */
export function ChangePasswordDialog({ required, onDone, onCancel }: { required: boolean; onDone(): void; onCancel(): void }) {
  const { t } = useI18n();
  const { transport } = useStation();
  const [f, setF] = useState({ current: '', next: '', again: '' });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorPayload | null>(null);
  const mismatch = f.again !== '' && f.next !== f.again;
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (busy || mismatch) return;
    setBusy(true);
    const r = await transport.call('auth.changePassword', { current: f.current, next: f.next });
    setBusy(false);
    if (r.ok) onDone();
    else {
      setError(r.error);
      setF({ ...f, current: '' });
    }
  };
  return (
    <div className="lock-overlay" role="dialog" aria-modal="true" aria-labelledby="change-password-title" data-testid="change-password">
      <form className="auth-card" onSubmit={(e) => void submit(e)}>
        <h2 id="change-password-title">{t('auth.changePasswordTitle')}</h2>
        {required && <p className="check bad">{t('auth.mustChangePassword')}</p>}
        <label className="field">
          <span>{t('auth.currentPassword')}</span>
          <input type="password" autoComplete="current-password" value={f.current} onChange={(e) => setF({ ...f, current: e.target.value })} data-testid="change-password-current" autoFocus />
        </label>
        <label className="field">
          <span>{t('auth.newPassword')}</span>
          <input type="password" autoComplete="new-password" value={f.next} onChange={(e) => setF({ ...f, next: e.target.value })} data-testid="change-password-next" />
        </label>
        <label className="field">
          <span>{t('auth.newPasswordAgain')}</span>
          <input type="password" autoComplete="new-password" value={f.again} onChange={(e) => setF({ ...f, again: e.target.value })} data-testid="change-password-again" />
        </label>
        {mismatch && (
          <p className="check bad" data-testid="change-password-mismatch">
            {t('auth.passwordsDiffer')}
          </p>
        )}
        {error && <ErrorBox error={error} testId="change-password-error" />}
        <div className="actions">
          {!required && (
            <button type="button" onClick={onCancel} data-testid="change-password-cancel">
              {t('auth.cancel')}
            </button>
          )}
          <button type="submit" className="primary" disabled={busy || mismatch || f.current === '' || f.next === '' || f.again === ''} data-testid="change-password-submit">
            {t('auth.changePassword')}
          </button>
        </div>
      </form>
    </div>
  );
}
