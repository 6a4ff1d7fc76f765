import { useEffect, useRef, useState } from 'react';
import type { ErrorPayload } from '../../../electron/common/errors';
import type { Dossier } from '../../../electron/common/schemas';
import { useAction } from '../api/context';
import { ErrorBox } from '../components/ErrorBox';
import { useI18n } from '../i18n/context';

/**
 * "Bỏ hồ sơ": asks before a draft leaves the drafts list, with the reason the audit log keeps. Says what
 * happens to the pages (nothing: they stay, and an admin can restore the dossier).
 */
export function AbandonDialog({ dossier, onClose, onAbandoned }: { dossier: Dossier; onClose(): void; onAbandoned(d: Dossier): void }) {
  const { t } = useI18n();
  const { run, busy } = useAction();
  const dialog = useRef<HTMLDialogElement>(null);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<ErrorPayload | null>(null);
  useEffect(() => {
    dialog.current?.showModal();
  }, []);
  const pages = dossier.components.reduce((n, c) => n + c.pageCount, 0);
  const confirm = async () => {
    if (reason.trim() === '') return;
    setError(null);
    const r = await run('dossiers.abandon', { id: dossier.id, reason: reason.trim() }, `abandon-${dossier.id}`);
    if (!r) return;
    if (r.ok) onAbandoned(r.value);
    else setError(r.error);
  };
  return (
    <dialog ref={dialog} className="dialog" aria-labelledby="abandon-title" onCancel={onClose} data-testid="abandon-dialog">
      <form
        method="dialog"
        onSubmit={(e) => {
          e.preventDefault();
          void confirm();
        }}
      >
        <h2 id="abandon-title">{t('abandon.title')}</h2>
        <p data-testid="abandon-explain">{t('abandon.explain', { id: dossier.id, n: pages })}</p>
        <label className="field">
          <span>{t('abandon.reason')}</span>
          <textarea
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            placeholder={t('abandon.reasonHint')}
            maxLength={500}
            rows={2}
            required
            autoFocus
            data-testid="abandon-reason"
          />
        </label>
        {error && <ErrorBox error={error} />}
        <div className="actions">
          <button type="button" onClick={onClose} data-testid="abandon-cancel">
            {t('abandon.cancel')}
          </button>
          <button type="submit" className="danger" disabled={reason.trim() === '' || busy !== null} data-testid="abandon-confirm">
            {t('abandon.confirm')}
          </button>
        </div>
      </form>
    </dialog>
  );
}
