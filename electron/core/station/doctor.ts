import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { StationError } from '../../common/errors';
import type { DriverRegistry } from '../../../native-bridge/registry';
import { runProcessSync } from '../../../native-bridge/process/run';
import { createDriverRegistry } from '../capture/drivers';
import { readKeys, keySource, type StationKeys } from '../security/keys';
import { checkAuditChain } from '../store/audit';
import { openStoreReadOnly, peekSchemaVersion, readHeader, sqliteVersion } from '../store/db';
import { codeSchemaVersion } from '../store/migrations';
import { freeBytes, layout } from './dataDir';
import { STATION_VERSION } from './version';
import { windowsScanChecks } from './windowsChecks';

export type CheckStatus = 'ok' | 'warn' | 'missing' | 'error';

export interface Check {
  id: string;
  label: string;
  /** runtime: the station needs it at the counter; test: only the test suite and IT drills need it. */
  kind: 'system' | 'runtime' | 'test';
  required: boolean;
  status: CheckStatus;
  version?: string;
  path?: string;
  detail?: string;
  fix?: string;
}

export interface DoctorReport {
  ok: boolean;
  stationVersion: string;
  node: { version: string; abi: string; platform: string; arch: string };
  dataDir: string;
  schema: { file: string; exists: boolean; fileVersion: number | null; codeVersion: number; status: CheckStatus };
  checks: Check[];
}

function which(cmd: string): string | undefined {
  const r = runProcessSync('sh', ['-c', `command -v ${cmd}`], { timeoutMs: 10_000 });
  const p = r.stdout.trim();
  return r.code === 0 && p !== '' ? p : undefined;
}

function firstLine(cmd: string, args: string[]): string | undefined {
  const r = runProcessSync(cmd, args, { timeoutMs: 10_000 });
  const out = `${r.stdout ?? ''}\n${r.stderr ?? ''}`
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('[') && !/dbus|unexpected operator/i.test(l));
  return out[0];
}

interface ToolSpec {
  id: string;
  label: string;
  kind: 'runtime' | 'test';
  required: boolean;
  cmd: string;
  args: string[];
  pkg: string;
}

/** External programs: runtime ones apart from those only tests and drills use. */
const TOOLS: ToolSpec[] = [
  { id: 'scanimage', label: 'SANE scanimage', kind: 'runtime', required: true, cmd: 'scanimage', args: ['-V'], pkg: 'sane-utils' },
  { id: 'ghostscript', label: 'Ghostscript (PDF import normalisation, AGPL: installed by the admin)', kind: 'runtime', required: false, cmd: 'gs', args: ['--version'], pkg: 'ghostscript' },
  { id: 'qpdf', label: 'qpdf (PDF structure checks)', kind: 'runtime', required: false, cmd: 'qpdf', args: ['--version'], pkg: 'qpdf' },
  { id: 'tesseract', label: 'Tesseract OCR (Vietnamese)', kind: 'runtime', required: false, cmd: 'tesseract', args: ['--version'], pkg: 'tesseract-ocr tesseract-ocr-vie' },
  { id: 'openssl', label: 'OpenSSL', kind: 'test', required: false, cmd: 'openssl', args: ['version'], pkg: 'openssl' },
  { id: 'pdfsig', label: 'poppler pdfsig/pdfinfo', kind: 'test', required: false, cmd: 'pdfsig', args: ['-v'], pkg: 'poppler-utils' },
  { id: 'java', label: 'Java (PDFBox Preflight)', kind: 'test', required: false, cmd: 'java', args: ['-version'], pkg: 'default-jre-headless' },
  { id: 'softhsm', label: 'SoftHSM2', kind: 'test', required: false, cmd: 'softhsm2-util', args: ['--version'], pkg: 'softhsm2' },
  { id: 'pkcs11-tool', label: 'OpenSC pkcs11-tool', kind: 'test', required: false, cmd: 'pkcs11-tool', args: ['--help'], pkg: 'opensc' },
  { id: 'chromium', label: 'Chromium (UI tests)', kind: 'test', required: false, cmd: 'chromium', args: ['--version'], pkg: 'chromium' },
];

export const PDFBOX_JARS = [
  '/usr/share/java/preflight.jar',
  '/usr/share/java/pdfbox2.jar',
  '/usr/share/java/fontbox2.jar',
  '/usr/share/java/xmpbox.jar',
  '/usr/share/java/commons-logging.jar',
  '/usr/share/java/jaxb-api.jar',
  '/usr/share/java/javax.activation.jar',
];

function toolCheck(t: ToolSpec): Check {
  const path = which(t.cmd);
  const base = { id: t.id, label: t.label, kind: t.kind, required: t.required };
  if (!path) return { ...base, status: t.required ? 'missing' : 'warn', fix: `apt-get install ${t.pkg}` };
  const version = firstLine(t.cmd, t.args);
  return version === undefined ? { ...base, status: 'ok', path } : { ...base, status: 'ok', path, version };
}

function nativeCheck(name: string, probe: () => string): Check {
  try {
    return { id: name, label: `native module ${name}`, kind: 'system', required: true, status: 'ok', version: probe() };
  } catch (err) {
    return {
      id: name,
      label: `native module ${name}`,
      kind: 'system',
      required: true,
      status: 'error',
      detail: (err as Error).message.split('\n')[0] ?? '',
      fix: 'npm rebuild (the module was built for another Node ABI)',
    };
  }
}

/** One check per registered scanner driver: can it run on this platform, and if not, why. */
export async function driverChecks(registry: DriverRegistry): Promise<Check[]> {
  return (await registry.availability(true)).map((s) => ({
    id: `driver-${s.kind}`,
    label: `scanner driver ${s.kind.toUpperCase()}`,
    kind: 'runtime' as const,
    required: false,
    status: s.ok ? ('ok' as const) : ('warn' as const),
    ...(s.reason !== undefined ? { detail: s.reason } : {}),
  }));
}

/** Everything `sohoa doctor` reports; it reads and probes, and writes nothing. */
export async function runDoctor(dataDir: string, drivers: DriverRegistry = createDriverRegistry({ saneDir: null, demo: false, platform: process.platform })): Promise<DoctorReport> {
  const require = createRequire(import.meta.url);
  const checks: Check[] = [];
  const [major, minor] = process.versions.node.split('.').map(Number) as [number, number];
  checks.push({
    id: 'node',
    label: 'Node.js ≥ 20.19',
    kind: 'system',
    required: true,
    status: major > 20 || (major === 20 && minor >= 19) ? 'ok' : 'error',
    version: process.versions.node,
    fix: 'install Node.js 20.19 or newer',
  });
  checks.push(
    nativeCheck('better-sqlite3-multiple-ciphers', () => {
      return `SQLite ${sqliteVersion()}`;
    }),
  );
  checks.push(
    nativeCheck('sharp', () => {
      const s = require('sharp') as { versions: Record<string, string> };
      return `sharp ${s.versions.sharp} (libvips ${s.versions.vips})`;
    }),
  );

  const l = layout(dataDir);
  let free: number | undefined;
  try {
    free = freeBytes(existsSync(dataDir) ? dataDir : '/');
  } catch {
    free = undefined;
  }
  checks.push({
    id: 'disk',
    label: 'free disk space in the data directory',
    kind: 'system',
    required: true,
    status: free === undefined ? 'error' : free < 1024 ** 3 ? 'warn' : 'ok',
    detail: free === undefined ? 'cannot stat' : `${Math.round(free / 1024 ** 2)} MB free`,
    fix: 'free at least 1 GB (a day of scanning takes 0.5–2 GB)',
  });

  let keys: StationKeys | undefined;
  checks.push(protectionCheck(dataDir, l.dbFile, (k) => (keys = k)));

  const codeVersion = codeSchemaVersion();
  let schema: DoctorReport['schema'];
  try {
    const h = peekSchemaVersion(l.dbFile, keys?.db ?? null);
    schema = {
      file: l.dbFile,
      exists: h.exists,
      fileVersion: h.exists ? h.userVersion : null,
      codeVersion,
      status: h.userVersion > codeVersion ? 'error' : 'ok',
    };
  } catch (err) {
    schema = { file: l.dbFile, exists: true, fileVersion: null, codeVersion, status: 'error' };
    checks.push({
      id: 'database',
      label: 'station database',
      kind: 'system',
      required: true,
      status: 'error',
      detail: err instanceof StationError ? `${err.code}: ${err.message}` : String(err),
    });
  }

  if (schema.exists && schema.status === 'ok') checks.push(auditCheck(l.dbFile, keys));

  for (const t of TOOLS) checks.push(toolCheck(t));
  checks.push(...(await driverChecks(drivers)));
  checks.push(...windowsScanChecks());
  const missingJars = PDFBOX_JARS.filter((j) => !existsSync(j));
  checks.push({
    id: 'pdfbox',
    label: 'PDFBox Preflight (PDF/A-1b validation)',
    kind: 'test',
    required: false,
    status: missingJars.length === 0 ? 'ok' : 'warn',
    ...(missingJars.length > 0
      ? { detail: `missing ${missingJars.join(', ')}`, fix: 'apt-get install libpdfbox2-java libactivation-java libjaxb-api-java libcommons-logging-java' }
      : {}),
  });
  const softhsmLib = '/usr/lib/softhsm/libsofthsm2.so';
  checks.push({
    id: 'softhsm-module',
    label: 'SoftHSM2 PKCS#11 module',
    kind: 'test',
    required: false,
    status: existsSync(softhsmLib) ? 'ok' : 'warn',
    path: softhsmLib,
    ...(existsSync(softhsmLib) ? {} : { fix: 'apt-get install softhsm2' }),
  });

  const ok = schema.status !== 'error' && checks.every((c) => !c.required || c.status === 'ok' || c.status === 'warn');
  return {
    ok,
    stationVersion: STATION_VERSION,
    node: { version: process.versions.node, abi: process.versions.modules, platform: process.platform, arch: process.arch },
    dataDir,
    schema,
    checks,
  };
}

/** How the key is kept, and whether the data are encrypted with it (NĐ 13/2023, Law 91/2025). */
function protectionCheck(dataDir: string, dbFile: string, found: (k: StationKeys) => void): Check {
  const source = keySource(dataDir);
  const base = { id: 'encryption', label: 'encryption at rest (database, blobs) and where the key is kept', kind: 'system' as const, required: true, path: source.path };
  let keys: StationKeys | undefined;
  try {
    keys = readKeys(dataDir);
  } catch (err) {
    return { ...base, status: 'error', detail: err instanceof StationError ? `${err.code}: ${err.message}` : String(err), fix: 'restore the key: sohoa key recover --recovery-key-env VAR (docs/security.md)' };
  }
  const h = readHeader(dbFile);
  if (!keys) {
    if (h.exists && h.encrypted) return { ...base, status: 'error', detail: `KEY_MISSING: the database is encrypted and no key is at ${source.path} (${source.kind})`, fix: 'restore the key: sohoa key recover --recovery-key-env VAR (docs/security.md)' };
    return { ...base, status: 'warn', detail: `no key yet (${source.kind}); the station creates it and encrypts its data at the next start` };
  }
  found(keys);
  if (h.exists && !h.encrypted) return { ...base, status: 'warn', detail: `key kept as ${source.kind}; the database is still plaintext and is encrypted at the next start` };
  return { ...base, status: 'ok', detail: `key kept as ${source.kind} (${source.path}); database and blobs encrypted (SQLCipher 4, AES-256-GCM)` };
}

/** The access log's keyed chain, walked read-only (a broken link is the AUDIT_CHAIN_BROKEN alarm). */
function auditCheck(dbFile: string, keys: StationKeys | undefined): Check {
  const base = { id: 'audit-chain', label: 'access log chain (keyed MAC)', kind: 'system' as const, required: true };
  try {
    const store = openStoreReadOnly(dbFile, keys?.db ?? null);
    try {
      const r = checkAuditChain(store, keys?.audit);
      if (r.brokenAt !== null) {
        return { ...base, status: 'error', detail: `AUDIT_CHAIN_BROKEN at row ${r.brokenAt} of ${r.rows}`, fix: 'tell the administrator; keep the data as it is; export the log for inspection: sohoa audit export' };
      }
      if (r.truncatedAt !== null) {
        return {
          ...base,
          status: 'error',
          detail: `AUDIT_LOG_TRUNCATED: the log has ${r.rows} rows but the one-stop server acknowledged row ${r.truncatedAt}`,
          fix: 'tell the administrator; keep the data as it is; ask the one-stop server for the heads this station sent and export the log: sohoa audit export',
        };
      }
      const anchored = r.anchoredSeq !== null ? `, anchored at row ${r.anchoredSeq}` : '';
      return { ...base, status: keys ? 'ok' : 'warn', detail: `${r.rows} rows intact${keys ? `, keyed from row ${r.macFrom}${anchored}` : ' (plain hashes only: no key yet)'}` };
    } finally {
      store.close();
    }
  } catch (err) {
    return { ...base, status: 'error', detail: err instanceof StationError ? `${err.code}: ${err.message}` : String(err) };
  }
}
