import { useEffect, useRef, useState } from 'react';
import type { ErrorPayload } from '../../../../electron/common/errors';
import { useAction, useQuery } from '../../api/context';
import { ErrorBox } from '../../components/ErrorBox';
import { useI18n } from '../../i18n/context';
import { AdminForm } from './AdminForm';
import { Saved } from './Saved';

/** One entry per non-empty line of a textarea. */
const lines = (s: string): string[] =>
  s
    .split('\n')
    .map((x) => x.trim())
    .filter((x) => x !== '');

/** Settings tab: signing certificates and tokens, and the signing configuration. */
export function Certificates() {
  const { t } = useI18n();
  const certs = useQuery('signing.listCertificates', {});
  const config = useQuery('signing.getConfig', {});
  const { run, busy } = useAction();
  const [modules, setModules] = useState('');
  const [p12, setP12] = useState('');
  const [tsa, setTsa] = useState('');
  const [agency, setAgency] = useState('');
  const [saved, setSaved] = useState(false);
  const [error, setError] = useState<ErrorPayload | null>(null);
  const filled = useRef(false);
  useEffect(() => {
    if (!config.data || filled.current) return;
    filled.current = true;
    setModules(config.data.pkcs11Modules.join('\n'));
    setP12(config.data.p12Files.join('\n'));
    setTsa(config.data.tsaUrl ?? '');
    setAgency(config.data.agencyName);
  }, [config.data]);
  const save = async () => {
    setSaved(false);
    setError(null);
    const r = await run('signing.setConfig', { pkcs11Modules: lines(modules), p12Files: lines(p12), tsaUrl: tsa.trim() === '' ? null : tsa.trim(), agencyName: agency }, 'signing-config');
    if (!r) return;
    if (r.ok) {
      setSaved(true);
      certs.reload();
    } else setError(r.error);
  };
  return (
    <>
      <h2>{t('settings.certificates')}</h2>
      {certs.error && <ErrorBox error={certs.error} />}
      <table className="table" data-testid="settings-certs">
        <thead>
          <tr>
            <th scope="col">{t('settings.cert.name')}</th>
            <th scope="col">{t('settings.cert.issuer')}</th>
            <th scope="col">{t('settings.cert.validTo')}</th>
            <th scope="col">{t('settings.cert.source')}</th>
            <th scope="col">{t('settings.cert.pin')}</th>
          </tr>
        </thead>
        <tbody>
          {(certs.data ?? []).map((c, i) => (
            <tr key={`${c.certSha256 ?? ''}-${i}`}>
              <td>
                <bdi className="ellipsis">{c.commonName || c.subject || (c.key.kind === 'p12' ? c.key.path : c.key.tokenLabel)}</bdi>
              </td>
              <td>
                <bdi className="ellipsis">{c.issuer}</bdi>
              </td>
              <td>{c.validTo?.slice(0, 10) ?? '–'}</td>
              <td>{c.source === 'pkcs11' ? t('settings.cert.token') : t('settings.cert.p12')}</td>
              <td>{c.pinLocked ? t('settings.cert.locked') : c.pinFinalTry ? t('settings.cert.finalTry') : c.pinCountLow ? t('settings.cert.countLow') : t('settings.cert.ok')}</td>
            </tr>
          ))}
          {certs.data?.length === 0 && (
            <tr>
              <td colSpan={5} className="muted">
                {t('settings.noCerts')}
              </td>
            </tr>
          )}
        </tbody>
      </table>
      <AdminForm title={t('settings.signing')} level={2} onSubmit={save}>
        <label className="field">
          <span>{t('settings.pkcs11')}</span>
          <textarea rows={2} value={modules} onChange={(e) => setModules(e.target.value)} />
        </label>
        <label className="field">
          <span>{t('settings.p12')}</span>
          <textarea rows={2} value={p12} onChange={(e) => setP12(e.target.value)} />
        </label>
        <label className="field">
          <span>{t('settings.tsa')}</span>
          <input type="url" value={tsa} onChange={(e) => setTsa(e.target.value)} />
        </label>
        <label className="field">
          <span>{t('settings.agencyName')}</span>
          <input value={agency} onChange={(e) => setAgency(e.target.value)} />
        </label>
        <Saved ok={saved} error={error} />
        <div className="actions">
          <button type="submit" className="primary" disabled={busy !== null}>
            {t('settings.save')}
          </button>
        </div>
      </AdminForm>
    </>
  );
}
