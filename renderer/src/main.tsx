import { StrictMode, useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import type { StationInfo } from '../../electron/common/schemas';

function tokenFromFragment(): string | null {
  return new URLSearchParams(window.location.hash.slice(1)).get('token');
}

function App() {
  const [info, setInfo] = useState<StationInfo | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const token = tokenFromFragment();
    void fetch('api/station.info', { method: 'POST', headers: { Authorization: `Bearer ${token ?? ''}`, 'Content-Type': 'application/json' }, body: '{}' })
      .then((r) => r.json() as Promise<{ ok: boolean; value?: StationInfo; error?: { code: string } }>)
      .then((r) => (r.ok && r.value ? setInfo(r.value) : setError(r.error?.code ?? 'INTERNAL')));
  }, []);
  return (
    <main>
      <h1>SoHoa Station</h1>
      {info && <p>{info.stationId}</p>}
      {error && <p role="alert">{error}</p>}
    </main>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
