import { useState } from 'react';
import { useSession } from '../auth/SessionGate';
import { useI18n } from '../i18n/context';
import { Accounts } from './Accounts';
import { Certificates } from './settings/Certificates';
import { Scanners } from './settings/Scanners';
import { Server } from './settings/Server';
import { Storage } from './settings/Storage';

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
