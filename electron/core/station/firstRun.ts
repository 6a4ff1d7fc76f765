import { newSetupCode, seedDemoAccounts } from '../accounts/service';
import { applyPreset } from './preset';
import type { Station } from './station';

export interface FirstRun {
  /** One-time code for the setup link (`#token=…&setup=CODE`) while no admin exists; null otherwise. */
  setupCode: string | null;
  /** Demo mode created its documented accounts on this start. */
  demoAccountsCreated: boolean;
  preset: { file: string; applied: string[] } | null;
}

/**
 * What every service start does before opening the bridge (sohoa serve, the Electron service): apply the
 * installer's preset, create demo mode's accounts, and — when still no admin exists — mint the setup code.
 */
export async function prepareFirstRun(station: Station): Promise<FirstRun> {
  const preset = await applyPreset(station);
  const demoAccountsCreated = station.demo ? await seedDemoAccounts(station) : false;
  return { setupCode: newSetupCode(station), demoAccountsCreated, preset };
}

export function setupLink(openUrl: string, code: string | null): string {
  return code === null ? openUrl : `${openUrl}&setup=${encodeURIComponent(code)}`;
}
