import { fileURLToPath } from 'node:url';

/** Where build.sh puts the Windows helpers (the installer copies them beside the app: SOHOA_WINDOWS_HELPERS_DIR). */
export const DEFAULT_HELPERS_DIR = fileURLToPath(new URL('../../build/windows/', import.meta.url));

export const windowsHelpersDir = (env: NodeJS.ProcessEnv = process.env): string => env.SOHOA_WINDOWS_HELPERS_DIR ?? DEFAULT_HELPERS_DIR;
