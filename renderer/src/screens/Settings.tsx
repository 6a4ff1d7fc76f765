import { useEffect, useRef, useState } from 'react';
import type { ErrorPayload } from '../../../electron/common/errors';
import { useAction, useQuery } from '../api/context';
import { ErrorBox } from '../components/ErrorBox';
import { useSession } from '../auth/SessionGate';
import { useI18n } from '../i18n/context';
import { Accounts } from './Accounts';

type Tab = 'scanners' | 'certificates' | 'server' | 'storage' | 'accounts';
type TabLabel = 'settings.scanners' | 'settings.certificates' | 'settings.server' | 'settings.storage' | 'accounts.title';

/** Scanners and profiles, certificates/tokens, server and enrolment, storage and retention. */
export function Settings() {
  const { t } = useI18n();
  const [tab, setTab] = useState<Tab>('scanners');
  const tabs: { id: Tab; label: TabLabel }[] = [
    { id: 'scanners', label: 'settings.scanners' },
    { id: 'certificates', label: 'settings.certificates' },
    { id: 'server', label: 'settings.server' },
    { id: 'storage', label: 'settings.storage' },
    // Accounts are the admin's: other roles do not see the tab (and the service refuses them anyway).
    ...(useSession().user.role === 'admin' ? [{ id: 'accounts' as const, label: 'accounts.title' as const }] : []),
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
        {tab === 'accounts' && <Accounts />}
      </div>
    </section>
  );
}

/** A settings form only an admin may submit (the service refuses other roles anyway): its heading carries the badge. */
function AdminForm({ title, onSubmit, testId, children }: { title: string; onSubmit(): void; testId?: string; children: React.ReactNode }) {
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        onSubmit();
      }}
      data-testid={testId}
    >
      <h3>
        {title} <AdminBadge />
      </h3>
      {children}
    </form>
  );
}

function AdminBadge() {
  const { t } = useI18n();
  return <span className="badge">{t('settings.adminBadge')}</span>;
}

function Saved({ ok, error }: { ok: boolean; error: ErrorPayload | null }) {
  const { t } = useI18n();
  if (error) return <ErrorBox error={error} />;
  return ok ? (
    <p className="check ok" role="status">
      {t('settings.saved')}
    </p>
  ) : null;
}

function Scanners() {
  const { t } = useI18n();
  const [refresh, setRefresh] = useState(0);
  const devices = useQuery('devices.list', { refresh: refresh > 0 }, [refresh]);
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
        {devices.data === null && !devices.error && <li className="muted">{t('scan.searching')}</li>}
      </ul>
      <button type="button" onClick={() => setRefresh((r) => r + 1)} data-testid="devices-refresh">
        {t('settings.findScanners')}
      </button>
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
      <p className="muted">{t('settings.profilesHint')}</p>
    </>
  );
}

const lines = (s: string): string[] =>
  s
    .split('\n')
    .map((x) => x.trim())
    .filter((x) => x !== '');

function Certificates() {
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
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <h2>
          {t('settings.signing')} <AdminBadge />
        </h2>
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
      </form>
    </>
  );
}

function Server() {
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
      <AdminForm title={t('settings.connection')} onSubmit={() => void save()}>
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
      <AdminForm title={t('settings.enrol')} onSubmit={() => void enrol()}>
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

function Storage() {
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
      <AdminForm title={t('settings.retention')} onSubmit={() => void save()}>
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

/** Where "Lưu hồ sơ ra thư mục" writes: shown to everyone, changed by the admin only. */
function ExportFolder() {
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
    <AdminForm title={t('settings.exportFolder')} onSubmit={() => void save()} testId="export-folder-form">
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
