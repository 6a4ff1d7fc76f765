import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { SessionGate } from './auth/SessionGate';
import { StationProvider } from './api/context';
import { ElectronTransport, type PreloadStation } from './api/electronClient';
import { takeTokenFromLocation } from './api/fragment';
import type { StationTransport } from './api/transport';
import { WebTransport } from './api/webClient';
import { I18nProvider } from './i18n/context';
import type { Lang } from './i18n/translate';
import './styles.css';

/** Electron gives `window.station` (preload); a browser gets the token in the URL fragment. */
function makeTransport(): StationTransport {
  let storage: Storage | undefined;
  try {
    storage = window.sessionStorage;
  } catch {
    storage = undefined;
  }
  const preload = (window as Window & { station?: PreloadStation }).station;
  if (preload) return new ElectronTransport(preload, storage);
  const token = takeTokenFromLocation(window.location, (url) => window.history.replaceState(null, '', url), storage) ?? '';
  const web = new WebTransport(new URL('./', window.location.href), token, storage);
  web.start();
  return web;
}

function initialLang(): Lang {
  try {
    return localStorage.getItem('sohoa.lang') === 'en' ? 'en' : 'vi';
  } catch {
    return 'vi';
  }
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <I18nProvider initial={initialLang()}>
      <StationProvider transport={makeTransport()}>
        <SessionGate>
          <App />
        </SessionGate>
      </StationProvider>
    </I18nProvider>
  </StrictMode>,
);
