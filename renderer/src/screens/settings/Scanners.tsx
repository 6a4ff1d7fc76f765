import { useState } from 'react';
import { useQuery } from '../../api/context';
import { ErrorBox } from '../../components/ErrorBox';
import { useSession } from '../../auth/SessionGate';
import { useI18n } from '../../i18n/context';
import { AddNetworkScanner } from './AddNetworkScanner';

/** Settings tab: the scanners the station finds and the scan profiles it ships. */
export function Scanners() {
  const { t } = useI18n();
  const [refresh, setRefresh] = useState(0);
  const devices = useQuery('devices.list', { refresh: refresh > 0 }, [refresh]);
  const profiles = useQuery('scan.profiles', {});
  const isAdmin = useSession().user.role === 'admin';
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
      {isAdmin && <AddNetworkScanner onAdded={() => setRefresh((r) => r + 1)} />}
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
