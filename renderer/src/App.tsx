import { useEffect, useState } from 'react';
import { useQuery } from './api/context';
import { useSession } from './auth/SessionGate';
import { Kbd } from './components/Kbd';
import { ConnectionBanner, OnlineIndicator } from './components/StatusBar';
import { useI18n } from './i18n/context';
import type { MessageKey } from './i18n/translate';
import { matches, SHORTCUTS } from './lib/keys';
import { useKeydown } from './lib/useKeydown';
import { Intake } from './screens/Intake';
import { Queue } from './screens/Queue';
import { Reports } from './screens/Reports';
import { Settings } from './screens/Settings';

type Screen = 'intake' | 'results' | 'queue' | 'reports' | 'settings';
const SCREENS: { id: Screen; label: MessageKey }[] = [
  { id: 'intake', label: 'nav.intake' },
  { id: 'results', label: 'nav.results' },
  { id: 'queue', label: 'nav.queue' },
  { id: 'reports', label: 'nav.reports' },
  { id: 'settings', label: 'nav.settings' },
];

export function App() {
  const { t, lang, setLang } = useI18n();
  const [screen, setScreen] = useState<Screen>('intake');
  const info = useQuery('station.info', {});
  const session = useSession();

  useKeydown(true, (e) => {
    for (const s of SCREENS) {
      if (matches(e, SHORTCUTS[s.id])) {
        e.preventDefault();
        setScreen(s.id);
        return;
      }
    }
    if (matches(e, SHORTCUTS.language)) {
      e.preventDefault();
      setLang(lang === 'vi' ? 'en' : 'vi');
    }
  });

  useEffect(() => {
    document.title = t('app.title');
  }, [t]);

  return (
    <div className="app">
      <header className="app-header">
        <div className="brand">
          <span className="brand-name">{t('app.title')}</span>
          {info.data && (
            <span className="station-name" data-testid="station-name">
              {t('app.station', { name: info.data.stationName, id: info.data.stationId })}
              {info.data.demoMode && <span className="badge badge-demo">{t('app.demo')}</span>}
            </span>
          )}
        </div>
        <nav className="tabs" aria-label={t('nav.label')}>
          {SCREENS.map((s) => (
            <button
              key={s.id}
              type="button"
              className={screen === s.id ? 'tab tab-active' : 'tab'}
              aria-current={screen === s.id ? 'page' : undefined}
              aria-keyshortcuts={SHORTCUTS[s.id]}
              onClick={() => setScreen(s.id)}
              data-testid={`nav-${s.id}`}
            >
              {t(s.label)} <Kbd keys={SHORTCUTS[s.id]} />
            </button>
          ))}
        </nav>
        <div className="header-right">
          <span className="session-user" data-testid="session-user" data-role={session.user.role}>
            {t('auth.user', { name: session.user.name, role: t(`role.${session.user.role}`) })}
            <button type="button" onClick={session.lock} data-testid="lock-now">
              {t('auth.lockNow')}
            </button>
            <button type="button" onClick={session.changePassword} data-testid="change-password-open">
              {t('auth.changePassword')}
            </button>
            <button type="button" onClick={session.signOut} data-testid="sign-out">
              {t('auth.signOut')}
            </button>
          </span>
          <OnlineIndicator />
          <button type="button" className="lang" onClick={() => setLang(lang === 'vi' ? 'en' : 'vi')} aria-keyshortcuts={SHORTCUTS.language} aria-label={t('app.switchLanguage')}>
            {t('app.otherLanguage')} <Kbd keys={SHORTCUTS.language} />
          </button>
        </div>
      </header>
      <ConnectionBanner />
      <main className="app-main" id="main">
        {/* Intake and results stay mounted while the clerk looks elsewhere: a dossier in progress is kept. */}
        <div hidden={screen !== 'intake'}>
          <Intake purpose="intake" active={screen === 'intake'} />
        </div>
        <div hidden={screen !== 'results'}>
          <Intake purpose="result" active={screen === 'results'} />
        </div>
        {screen === 'queue' && <Queue />}
        {screen === 'reports' && <Reports />}
        {screen === 'settings' && <Settings />}
      </main>
    </div>
  );
}
