import { useEffect, useRef, useState } from 'react';
import type { ErrorPayload } from '../../../electron/common/errors';
import type { Component, Dossier } from '../../../electron/common/schemas';
import { callMaybe, hasMethod, useAction, useStation } from '../api/context';
import { ErrorBox } from '../components/ErrorBox';
import { useI18n } from '../i18n/context';

interface Cert {
  id: string;
  label: string;
  subject: string;
  notAfter: string | null;
}

function toCerts(value: unknown): Cert[] {
  if (!Array.isArray(value)) return [];
  return (value as Record<string, unknown>[]).map((v) => ({
    id: String(v.id ?? v.certId ?? v.ref ?? ''),
    label: String(v.label ?? v.subjectCommonName ?? v.commonName ?? v.subject ?? v.id ?? ''),
    subject: String(v.subject ?? v.subjectDn ?? ''),
    notAfter: typeof v.notAfter === 'string' ? v.notAfter : null,
  }));
}

/**
 * Choose a certificate, type the PIN, sign. The PIN lives only in this dialog's state and is cleared after
 * each attempt; a wrong PIN is shown and never retried automatically (a token locks after a few tries).
 * The Sign button does one thing however often it is pressed (single flight + idempotency key).
 */
export function SignDialog({ dossier, component, documentId, onClose, onSigned }: { dossier: Dossier; component: Component; documentId: string | null; onClose(): void; onSigned(): void }) {
  const { t } = useI18n();
  const { transport } = useStation();
  const { run, busy } = useAction();
  const [certs, setCerts] = useState<Cert[] | null>(null);
  const [certId, setCertId] = useState('');
  const [pin, setPin] = useState('');
  const [error, setError] = useState<ErrorPayload | null>(null);
  const dialog = useRef<HTMLDialogElement>(null);

  useEffect(() => {
    dialog.current?.showModal();
    void callMaybe(transport, 'signing.listCertificates', {}).then((r) => {
      if (r.ok) {
        const list = toCerts(r.value);
        setCerts(list);
        setCertId((c) => c || list[0]?.id || '');
      } else setError(r.error);
    });
  }, [transport]);

  const sign = async () => {
    if (!certId || pin === '' || !hasMethod('documents.sign')) return;
    setError(null);
    const params = { componentId: component.id, dossierId: dossier.id, ...(documentId ? { documentId } : {}), certificateId: certId, pin };
    const r = await run('documents.sign' as never, params as never, 'sign');
    setPin('');
    if (!r) return;
    if (r.ok) onSigned();
    else setError(r.error);
  };

  return (
    <dialog ref={dialog} className="dialog" aria-labelledby="sign-title" onCancel={onClose} data-testid="sign-dialog">
      <form
        method="dialog"
        onSubmit={(e) => {
          e.preventDefault();
          void sign();
        }}
      >
        <h2 id="sign-title">{t('sign.title')}</h2>
        <p className="muted">{t('sign.what', { name: component.name })}</p>
        <label className="field">
          <span>{t('sign.certificate')}</span>
          <select value={certId} onChange={(e) => setCertId(e.target.value)} data-testid="sign-cert">
            {(certs ?? []).map((c) => (
              <option key={c.id} value={c.id}>
                {c.label}
                {c.notAfter ? ` — ${t('sign.validTo', { date: c.notAfter.slice(0, 10) })}` : ''}
              </option>
            ))}
          </select>
        </label>
        {certs && certs.length === 0 && <ErrorBox error={{ code: 'TOKEN_NOT_FOUND', message: 'no certificate' }} />}
        <label className="field">
          <span>{t('sign.pin')}</span>
          <input type="password" autoComplete="off" value={pin} onChange={(e) => setPin(e.target.value)} data-testid="sign-pin" autoFocus />
        </label>
        {error && <ErrorBox error={error} />}
        <div className="actions">
          <button type="button" onClick={onClose}>
            {t('common.cancel')}
          </button>
          <button type="submit" className="primary" disabled={!certId || pin === '' || busy !== null} data-testid="sign-submit">
            {busy ? t('sign.signing') : t('sign.submit')}
          </button>
        </div>
      </form>
    </dialog>
  );
}
