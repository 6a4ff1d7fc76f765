import { useEffect, useRef, useState } from 'react';
import type { CertificateEntry } from '../../../electron/common/api/signing';
import type { ErrorPayload } from '../../../electron/common/errors';
import type { Component } from '../../../electron/common/schemas';
import { useAction, useStation } from '../api/context';
import { useSession } from '../auth/SessionGate';
import { ErrorBox } from '../components/ErrorBox';
import { useI18n } from '../i18n/context';

function certLabel(c: CertificateEntry): string {
  if (c.commonName) return c.commonName;
  if (c.subject) return c.subject;
  return c.key.kind === 'p12' ? (c.key.path.split(/[\\/]/).pop() ?? c.key.path) : c.key.tokenLabel;
}

/**
 * Choose a certificate, type the PIN (token) or password (.p12), sign. The secret lives only in this
 * dialog's state and is cleared after each attempt; a wrong PIN is shown and never retried automatically
 * (a token locks after a few tries). The Sign button does one thing however often it is pressed
 * (single flight + one idempotency key per attempt).
 */
export function SignDialog({ component, documentId, onClose, onSigned }: { component: Component; documentId: string | null; onClose(): void; onSigned(): void }) {
  const { t } = useI18n();
  const { transport } = useStation();
  const { run, busy } = useAction();
  const [certs, setCerts] = useState<CertificateEntry[] | null>(null);
  const [index, setIndex] = useState(0);
  const [secret, setSecret] = useState('');
  const [error, setError] = useState<ErrorPayload | null>(null);
  // TT 01/2023: the agency's "SAO Y" is the records clerk's (văn thư) act; a clerk signs as clerk only.
  const { user } = useSession();
  const canAgency = user.role === 'records_clerk';
  const [role, setRole] = useState<'clerk' | 'agency'>(canAgency ? 'agency' : 'clerk');
  const dialog = useRef<HTMLDialogElement>(null);

  const [listing, setListing] = useState(0);
  useEffect(() => {
    dialog.current?.showModal();
  }, []);
  // Listed again on Retry: the clerk plugs the token in and asks once more, without closing the dialog.
  useEffect(() => {
    setCerts(null);
    void transport.call('signing.listCertificates', {}).then((r) => {
      if (r.ok) {
        setCerts(r.value.filter((c) => !c.pinLocked));
        setIndex(0);
      } else setError(r.error);
    });
  }, [transport, listing]);

  const cert = certs?.[index];
  const sign = async () => {
    if (!cert || secret === '' || !documentId) return;
    setError(null);
    const params = cert.key.kind === 'pkcs11' ? { documentId, role, key: cert.key, pin: secret } : { documentId, role, key: cert.key, password: secret };
    const r = await run('documents.sign', params, 'sign');
    if (!r) return;
    setSecret('');
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
        {!documentId && <ErrorBox error={{ code: 'NOT_FOUND', message: 'no document for this component yet' }} />}
        {canAgency && (
          <fieldset className="field" data-testid="sign-role">
            <legend>{t('sign.as')}</legend>
            <label>
              <input type="radio" name="sign-role" value="agency" checked={role === 'agency'} onChange={() => setRole('agency')} data-testid="sign-role-agency" /> {t('sign.asAgency')}
            </label>
            <label>
              <input type="radio" name="sign-role" value="clerk" checked={role === 'clerk'} onChange={() => setRole('clerk')} data-testid="sign-role-clerk" /> {t('sign.asClerk')}
            </label>
          </fieldset>
        )}
        <label className="field">
          <span>{t('sign.certificate')}</span>
          <select value={index} onChange={(e) => setIndex(Number(e.target.value))} data-testid="sign-cert">
            {(certs ?? []).map((c, i) => (
              <option key={`${c.certSha256 ?? ''}-${i}`} value={i}>
                {certLabel(c)}
                {c.validTo ? ` — ${t('sign.validTo', { date: c.validTo.slice(0, 10) })}` : ''}
              </option>
            ))}
          </select>
        </label>
        {certs === null && <p className="muted">{t('sign.looking')}</p>}
        {certs && certs.length === 0 && (
          <ErrorBox error={{ code: 'TOKEN_NOT_FOUND', message: 'no certificate' }} testId="sign-no-token">
            <p className="muted">{t('sign.noTokenNext')}</p>
            <button type="button" onClick={() => setListing((n) => n + 1)} data-testid="sign-retry">
              {t('sign.retry')}
            </button>
          </ErrorBox>
        )}
        {cert?.pinFinalTry && <p className="check bad">{t('sign.finalTry')}</p>}
        {cert?.demo && (
          <p className="warn-box" data-testid="sign-demo">
            {t('sign.demoWarning')}
          </p>
        )}
        <label className="field">
          <span>{cert?.key.kind === 'p12' ? t('sign.password') : t('sign.pin')}</span>
          <input type="password" autoComplete="off" value={secret} onChange={(e) => setSecret(e.target.value)} data-testid="sign-pin" autoFocus />
        </label>
        {error && <ErrorBox error={error} testId="sign-error" />}
        <div className="actions">
          <button type="button" onClick={onClose}>
            {t('common.cancel')}
          </button>
          <button type="submit" className="primary" disabled={!cert || secret === '' || !documentId || busy !== null} data-testid="sign-submit">
            {busy ? t('sign.signing') : t('sign.submit')}
          </button>
        </div>
      </form>
    </dialog>
  );
}
