import { useEffect, useState } from 'react';
import { callMaybe, hasMethod, useQuery, useStation } from '../api/context';
import { ErrorBox } from '../components/ErrorBox';
import { useI18n } from '../i18n/context';

type Tab = 'scanners' | 'certificates' | 'server' | 'storage';

/** Scanners and profiles, certificates/tokens, server and enrolment, storage and retention. */
export function Settings() {
  const { t } = useI18n();
  const [tab, setTab] = useState<Tab>('scanners');
  const tabs: { id: Tab; label: 'settings.scanners' | 'settings.certificates' | 'settings.server' | 'settings.storage' }[] = [
    { id: 'scanners', label: 'settings.scanners' },
    { id: 'certificates', label: 'settings.certificates' },
    { id: 'server', label: 'settings.server' },
    { id: 'storage', label: 'settings.storage' },
  ];
  return (
    <section className="screen" aria-labelledby="settings-title" data-testid="screen-settings">
      <div className="screen-head">
        <h1 id="settings-title">{t('settings.title')}</h1>
      </div>
      <div className="subtabs" role="tablist" aria-label={t('settings.title')}>
        {tabs.map((x, i) => (
          <button
            key={x.id}
            type="button"
            role="tab"
            id={`tab-${x.id}`}
            aria-selected={tab === x.id}
            aria-controls={`panel-${x.id}`}
            tabIndex={tab === x.id ? 0 : -1}
            onClick={() => setTab(x.id)}
            onKeyDown={(e) => {
              if (e.key === 'ArrowRight' || e.key === 'ArrowLeft') {
                const next = tabs[(i + (e.key === 'ArrowRight' ? 1 : tabs.length - 1)) % tabs.length]!;
                setTab(next.id);
                document.getElementById(`tab-${next.id}`)?.focus();
              }
            }}
            data-testid={`settings-${x.id}`}
          >
            {t(x.label)}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`} className="panel">
        {tab === 'scanners' && <Scanners />}
        {tab === 'certificates' && <Certificates />}
        {tab === 'server' && <Server />}
        {tab === 'storage' && <Storage />}
      </div>
    </section>
  );
}

function Scanners() {
  const { t } = useI18n();
  const devices = useQuery('devices.list', { refresh: true });
  const profiles = useQuery('scan.profiles', {});
  return (
    <>
      <h2>{t('settings.devices')}</h2>
      {devices.error && <ErrorBox error={devices.error} />}
      <ul className="plain" data-testid="settings-devices">
        {(devices.data ?? []).map((d) => (
          <li key={d.id}>
            <strong>
              {d.vendor} {d.model}
            </strong>{' '}
            <span className="mono muted">{d.id}</span>
          </li>
        ))}
        {devices.data?.length === 0 && <li className="muted">{t('settings.noDevices')}</li>}
      </ul>
      <h2>{t('settings.profiles')}</h2>
      <table className="table">
        <thead>
          <tr>
            <th scope="col">{t('settings.profile.name')}</th>
            <th scope="col">{t('settings.profile.colour')}</th>
            <th scope="col">{t('settings.profile.dpi')}</th>
            <th scope="col">{t('settings.profile.source')}</th>
            <th scope="col">{t('settings.profile.compliant')}</th>
          </tr>
        </thead>
        <tbody>
          {(profiles.data ?? []).map((p) => (
            <tr key={p.name}>
              <td>{p.name}</td>
              <td>{t(`pixel.${p.pixelType}`)}</td>
              <td>{p.resolution}</td>
              <td>{t(`source.${p.source}`)}</td>
              <td>{p.compliant ? t('common.yes') : t('common.no')}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="muted">{t('settings.adminOnly')}</p>
    </>
  );
}

function Certificates() {
  const { t } = useI18n();
  const { transport, generation } = useStation();
  const [certs, setCerts] = useState<Record<string, unknown>[] | null>(null);
  useEffect(() => {
    if (!hasMethod('signing.listCertificates')) return setCerts([]);
    void callMaybe(transport, 'signing.listCertificates', {}).then((r) => setCerts(r.ok && Array.isArray(r.value) ? (r.value as Record<string, unknown>[]) : []));
  }, [transport, generation]);
  return (
    <>
      <h2>{t('settings.certificates')}</h2>
      <ul className="plain" data-testid="settings-certs">
        {(certs ?? []).map((c, i) => (
          <li key={i}>
            <bdi>{String(c.label ?? c.subject ?? c.id ?? '')}</bdi> <span className="muted">{String(c.notAfter ?? '')}</span>
          </li>
        ))}
        {certs?.length === 0 && <li className="muted">{t('settings.noCerts')}</li>}
      </ul>
    </>
  );
}

function Server() {
  const { t } = useI18n();
  const info = useQuery('station.info', {});
  return (
    <>
      <h2>{t('settings.server')}</h2>
      <dl className="kv">
        <dt>{t('settings.serverConfigured')}</dt>
        <dd>{info.data?.serverConfigured ? t('common.yes') : t('common.no')}</dd>
        <dt>{t('settings.online')}</dt>
        <dd>{info.data?.online ? t('common.yes') : t('common.no')}</dd>
      </dl>
      <p className="muted">{t('settings.enrolHint')}</p>
    </>
  );
}

function Storage() {
  const { t } = useI18n();
  const info = useQuery('station.info', {});
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
      <p className="muted">{t('settings.retentionHint')}</p>
    </>
  );
}
