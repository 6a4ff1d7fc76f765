/**
 * The environment a child program (scanimage, qpdf, gs, java, the Windows scan helpers) gets: an allow-list
 * of what such tools need to find themselves, their locale and their configuration — never the station's
 * own variables (SOHOA_*: the TSA password, the bridge token…), which a tool has no use for and could leak
 * into a crash report or a debug log.
 */
const ALLOWED = new Set([
  'PATH',
  'Path',
  'HOME',
  'USER',
  'LOGNAME',
  'LANG',
  'LANGUAGE',
  'TZ',
  'TMPDIR',
  'TMP',
  'TEMP',
  'JAVA_HOME',
  'DISPLAY',
  // Windows: programs and DLLs do not start without these.
  'SystemRoot',
  'SYSTEMROOT',
  'windir',
  'WINDIR',
  'ComSpec',
  'COMSPEC',
  'PATHEXT',
  'USERPROFILE',
  'APPDATA',
  'LOCALAPPDATA',
  'ProgramData',
  'ProgramFiles',
  'ProgramFiles(x86)',
  'ProgramW6432',
  'CommonProgramFiles',
  'CommonProgramFiles(x86)',
  'NUMBER_OF_PROCESSORS',
  'PROCESSOR_ARCHITECTURE',
]);

/** Prefixes of tool configuration: locale categories, SANE backends and debug, Wine (TWAIN tests), Ghostscript. */
const ALLOWED_PREFIXES = ['LC_', 'SANE_', 'WINE', 'GS_'];

const STATION_PREFIX = 'SOHOA_';

export function isAllowedChildVar(name: string): boolean {
  if (name.startsWith(STATION_PREFIX)) return false;
  return ALLOWED.has(name) || ALLOWED_PREFIXES.some((p) => name.startsWith(p));
}

/**
 * The allow-listed part of `base` plus `extra` (what the caller sets on purpose, e.g. SANE_CONFIG_DIR or TZ).
 * SOHOA_* never passes, not even through `extra`.
 */
export function childEnv(extra: Record<string, string | undefined> = {}, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(base)) if (v !== undefined && isAllowedChildVar(k)) env[k] = v;
  for (const [k, v] of Object.entries(extra)) {
    if (k.startsWith(STATION_PREFIX)) continue;
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}
