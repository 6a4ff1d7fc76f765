import type { EsclBrowse, EsclDeviceRecord, EsclDeviceStore } from '../../../native-bridge/escl/driver';
import { browseEscl as browseMdns } from '../../../native-bridge/escl/mdns';
import { getSetting, setSetting } from '../store/settings';
import type { Station } from '../station/station';

/** eSCL scanners added by IT staff (and found by DNS-SD) live in the settings table, keyed by UUID. */
export const ESCL_SETTING = 'escl.devices';

export function esclSettingsStore(station: Station): EsclDeviceStore {
  return {
    load: () => getSetting<EsclDeviceRecord[]>(station.store, ESCL_SETTING) ?? [],
    save: (records) => setSetting(station.store, ESCL_SETTING, records, 'capture'),
  };
}

/** DNS-SD browsing is on unless SOHOA_ESCL_DISCOVERY=0 (tests; networks that forbid multicast). */
export function esclDiscoveryOn(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.SOHOA_ESCL_DISCOVERY !== '0';
}

/** DNS-SD browse on the local network (mDNS legacy-unicast query; nothing bound to port 5353). */
export const browseEscl: EsclBrowse = (timeoutMs) => browseMdns({ timeoutMs });
