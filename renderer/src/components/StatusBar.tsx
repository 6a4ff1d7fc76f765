import { useEffect, useState } from 'react';
import { useEvents, useStation } from '../api/context';
import { useI18n } from '../i18n/context';

/**
 * Always visible: the connection to the station service (true state, reconnecting…) and whether the
 * station is online with the one-stop server (from sync.status when the sync area offers it).
 */
export function ConnectionBanner() {
  const { state } = useStation();
  const { t, err } = useI18n();
  if (state === 'online') return null;
  const text = state === 'unauthorized' ? err('UNAUTHORIZED').message : state === 'connecting' ? t('conn.connecting') : err('SERVICE_UNREACHABLE').message;
  return (
    <div className={`conn-banner conn-${state}`} role="status" aria-live="assertive" data-testid="conn-banner" data-state={state}>
      {text}
    </div>
  );
}

export function OnlineIndicator() {
  const { transport, state, generation } = useStation();
  const { t } = useI18n();
  const [online, setOnline] = useState<boolean | null>(null);
  useEffect(() => {
    if (state !== 'online') return;
    let live = true;
    const load = async () => {
      const r = await transport.call('sync.status', {});
      if (live && r.ok) setOnline(r.value.online === true);
    };
    void load();
    const id = setInterval(() => void load(), 5000);
    return () => {
      live = false;
      clearInterval(id);
    };
  }, [transport, state, generation]);
  useEvents((ev) => {
    if (ev.type === 'sync.state' && typeof ev.data.online === 'boolean') setOnline(ev.data.online);
  });
  const service = state === 'online';
  const label = !service || online === null ? t('status.unknown') : online ? t('status.online') : t('status.offline');
  return (
    <div className="indicators" role="status" aria-live="polite">
      <span className={`dot ${service ? 'dot-ok' : 'dot-bad'}`} aria-hidden="true" />
      <span data-testid="service-state" data-state={state}>
        {service ? t('status.serviceUp') : t('status.serviceDown')}
      </span>
      <span className={`dot ${service && online ? 'dot-ok' : 'dot-warn'}`} aria-hidden="true" />
      <span data-testid="online-state" data-online={String(service && online === true)}>
        {label}
      </span>
    </div>
  );
}
