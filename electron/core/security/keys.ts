import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, linkSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { StationError } from '../../common/errors';
import { fsyncDir } from '../store/durable';
import { runProcessSync } from '../../../native-bridge/process/run';

/**
 * The station's master key and where it is kept. The data directory is shared by every clerk of the PC,
 * so the key is sealed to the machine, not to one user (Law 91/2025, NĐ 13/2023: citizens' data at rest):
 *   - SOHOA_KEY_FILE (explicit, e.g. a mounted secret);
 *   - Linux under systemd: the credential `sohoa-station-key` ($CREDENTIALS_DIRECTORY), read-only;
 *   - Windows: machine-scope DPAPI (`DataProtectionScope.LocalMachine`) sealing a file in <data>\keys;
 *   - Linux, installed (/var/lib/sohoa-station): the root-only file /etc/sohoa-station/key (0600);
 *   - a developer's unprivileged run: a 0600 file beside (not inside) the data directory, `<data>.key`,
 *     so a copied data directory alone reveals nothing.
 * Sub-keys for the database, the blobs and the audit MAC are derived with HKDF, so holding the database
 * key does not give the audit key.
 */
export type KeySourceKind = 'env-file' | 'systemd-credential' | 'dpapi' | 'root-file' | 'user-file';

export interface KeySource {
  kind: KeySourceKind;
  path: string;
  /** Whether the station may create the key there (a systemd credential is provisioned by the admin). */
  creatable: boolean;
}

export interface StationKeys {
  db: Buffer;
  blobs: Buffer;
  audit: Buffer;
  source: KeySource;
  /** Set only when the key was created now: the admin recovery key, to be shown once and never stored. */
  recoveryKey?: string;
}

export interface KeyContext {
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  /** Seals/unseals with machine-scope DPAPI (injected in tests: Windows itself does not run here). */
  dpapi?: Dpapi;
}

export interface Dpapi {
  protect(data: Buffer): Buffer;
  unprotect(data: Buffer): Buffer;
}

export const INSTALLED_DATA_DIR = '/var/lib/sohoa-station';
const ROOT_KEY_FILE = '/etc/sohoa-station/key';
const CREDENTIAL_NAME = 'sohoa-station-key';
const KEY_BYTES = 32;

export function keySource(dataDir: string, ctx: KeyContext = {}): KeySource {
  const env = ctx.env ?? process.env;
  const platform = ctx.platform ?? process.platform;
  if (env.SOHOA_KEY_FILE) return { kind: 'env-file', path: env.SOHOA_KEY_FILE, creatable: true };
  if (platform === 'linux' && env.CREDENTIALS_DIRECTORY) {
    const cred = join(env.CREDENTIALS_DIRECTORY, CREDENTIAL_NAME);
    if (existsSync(cred)) return { kind: 'systemd-credential', path: cred, creatable: false };
  }
  if (platform === 'win32') return { kind: 'dpapi', path: join(dataDir, 'keys', 'station.key.dpapi'), creatable: true };
  if (resolve(dataDir) === INSTALLED_DATA_DIR) return { kind: 'root-file', path: ROOT_KEY_FILE, creatable: true };
  return { kind: 'user-file', path: `${resolve(dataDir)}.key`, creatable: true };
}

/** Where the master key wrapped by the admin recovery key is kept (useless without that recovery key). */
export function recoveryFile(dataDir: string): string {
  return join(dataDir, 'keys', 'recovery.json');
}

function derive(master: Buffer, label: string): Buffer {
  return Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), `sohoa-station ${label} v1`, KEY_BYTES));
}

export function deriveKeys(master: Buffer, source: KeySource, recoveryKey?: string): StationKeys {
  return { db: derive(master, 'database'), blobs: derive(master, 'blobs'), audit: derive(master, 'audit-mac'), source, recoveryKey };
}

function parseKeyBytes(raw: Buffer, path: string): Buffer {
  const text = raw.toString('latin1').trim();
  if (/^[0-9a-fA-F]{64}$/.test(text)) return Buffer.from(text, 'hex');
  if (raw.length === KEY_BYTES) return raw;
  throw new StationError('KEY_INVALID', `${path} does not hold a 256-bit key`, { path });
}

function checkPrivate(path: string, platform: NodeJS.Platform): void {
  if (platform === 'win32') return;
  const st = statSync(path);
  if ((st.mode & 0o077) !== 0) {
    throw new StationError('KEY_INSECURE', `${path} is readable by others (mode ${(st.mode & 0o777).toString(8)}); it must be 0600`, { path });
  }
}

/**
 * Writes `data` at `path` only if nothing is there yet: temp file → fsync → link (fails if the name
 * exists, so two processes starting at once agree on one key) → fsync dir.
 */
function createExclusive(path: string, data: Buffer): boolean {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const fd = openSync(tmp, 'wx', 0o600);
  try {
    writeFileSync(fd, data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    linkSync(tmp, path);
    fsyncDir(dirname(path));
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  } finally {
    rmSync(tmp, { force: true });
  }
}

/** Machine-scope DPAPI through PowerShell (Windows only; no native module needed). */
export const powershellDpapi: Dpapi = {
  protect: (data) => runDpapi('Protect', data),
  unprotect: (data) => runDpapi('Unprotect', data),
};

function runDpapi(op: 'Protect' | 'Unprotect', data: Buffer): Buffer {
  const script =
    'Add-Type -AssemblyName System.Security;' +
    '$in=[Convert]::FromBase64String([Console]::In.ReadToEnd().Trim());' +
    `$out=[System.Security.Cryptography.ProtectedData]::${op}($in,$null,[System.Security.Cryptography.DataProtectionScope]::LocalMachine);` +
    '[Console]::Out.Write([Convert]::ToBase64String($out))';
  // The key travels on stdin, never on the command line; the child gets the allow-listed environment only.
  const r = runProcessSync('powershell.exe', ['-NoProfile', '-NonInteractive', '-Command', script], { input: data.toString('base64'), timeoutMs: 30_000 });
  if (r.code !== 0) throw new StationError('KEY_UNAVAILABLE', `DPAPI ${op} failed: ${(r.stderr || r.error?.message || '').slice(0, 300)}`);
  return Buffer.from(r.stdout.trim(), 'base64');
}

function readMaster(source: KeySource, ctx: KeyContext): Buffer | undefined {
  if (!existsSync(source.path)) return undefined;
  const platform = ctx.platform ?? process.platform;
  try {
    if (source.kind === 'dpapi') return parseKeyBytes((ctx.dpapi ?? powershellDpapi).unprotect(readFileSync(source.path)), source.path);
    if (source.kind !== 'systemd-credential') checkPrivate(source.path, platform);
    return parseKeyBytes(readFileSync(source.path), source.path);
  } catch (err) {
    if (err instanceof StationError) throw err;
    throw new StationError('KEY_UNAVAILABLE', `cannot read the station key ${source.path}: ${(err as Error).message}`, { path: source.path });
  }
}

/** Formats 32 random bytes as the recovery key the admin writes down: 13 groups of 4 base32 letters. */
function newRecoveryKey(): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  const bytes = randomBytes(52);
  const chars = [...bytes].map((b) => alphabet[b % 32]).join('');
  return chars.match(/.{4}/g)!.join('-');
}

function recoveryKek(recoveryKey: string): Buffer {
  const norm = recoveryKey.toUpperCase().replace(/[^A-Z0-9]/g, '');
  return Buffer.from(hkdfSync('sha256', Buffer.from(norm, 'latin1'), Buffer.alloc(0), 'sohoa-station recovery v1', KEY_BYTES));
}

function wrap(master: Buffer, recoveryKey: string): string {
  const nonce = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', recoveryKek(recoveryKey), nonce);
  const body = Buffer.concat([c.update(master), c.final()]);
  return JSON.stringify({ v: 1, alg: 'A256GCM', nonce: nonce.toString('base64'), data: body.toString('base64'), tag: c.getAuthTag().toString('base64') });
}

export function unwrapRecovery(json: string, recoveryKey: string): Buffer {
  try {
    const w = JSON.parse(json) as { nonce: string; data: string; tag: string };
    const d = createDecipheriv('aes-256-gcm', recoveryKek(recoveryKey), Buffer.from(w.nonce, 'base64'));
    d.setAuthTag(Buffer.from(w.tag, 'base64'));
    return Buffer.concat([d.update(Buffer.from(w.data, 'base64')), d.final()]);
  } catch {
    throw new StationError('KEY_INVALID', 'the recovery key does not open this station');
  }
}

function storeMaster(source: KeySource, master: Buffer, ctx: KeyContext): boolean {
  if (source.kind === 'dpapi') return createExclusive(source.path, (ctx.dpapi ?? powershellDpapi).protect(master));
  return createExclusive(source.path, Buffer.from(`${master.toString('hex')}\n`, 'latin1'));
}

/**
 * The station's keys: read from their place, or created there on first start. `encryptedDataExists`
 * says whether encrypted data already exists — then a missing key is an error (KEY_MISSING, with the
 * recovery path), never a reason to make a new key that would orphan the data.
 */
export function loadOrCreateKeys(dataDir: string, encryptedDataExists: boolean, ctx: KeyContext = {}): StationKeys {
  const source = keySource(dataDir, ctx);
  const existing = readMaster(source, ctx);
  if (existing) return deriveKeys(existing, source);
  if (encryptedDataExists && !existsSync(recoveryFile(dataDir))) {
    // Every key this station made left its wrapped copy first: with none here the file was never encrypted
    // by a station, it is simply not a database.
    throw new StationError('DB_CORRUPT', `${join(dataDir, 'station.db')} is not an SQLite database`, { dataDir });
  }
  if (encryptedDataExists || !source.creatable) {
    throw new StationError('KEY_MISSING', `the station key is missing at ${source.path}`, { path: source.path, kind: source.kind });
  }
  const master = randomBytes(KEY_BYTES);
  const recoveryKey = newRecoveryKey();
  // The wrapped copy first: a crash between the two leaves no key (a fresh start makes new ones).
  mkdirSync(join(dataDir, 'keys'), { recursive: true, mode: 0o700 });
  writeFileSync(recoveryFile(dataDir), wrap(master, recoveryKey), { mode: 0o600 });
  try {
    if (!storeMaster(source, master, ctx)) {
      // Another process created the key first (a key file shared by several data directories): use that
      // one; our wrapped copy is of a key that was never used, so it goes.
      rmSync(recoveryFile(dataDir), { force: true });
      const other = readMaster(source, ctx);
      if (!other) throw new StationError('KEY_UNAVAILABLE', `the station key at ${source.path} vanished`);
      return deriveKeys(other, source);
    }
  } catch (err) {
    if (err instanceof StationError) throw err;
    throw new StationError('KEY_UNAVAILABLE', `cannot create the station key at ${source.path}: ${(err as Error).message}`, { path: source.path });
  }
  return deriveKeys(master, source, recoveryKey);
}

/** The keys if they exist, without creating anything (for `doctor` and tools that only read). */
export function readKeys(dataDir: string, ctx: KeyContext = {}): StationKeys | undefined {
  const source = keySource(dataDir, ctx);
  const master = readMaster(source, ctx);
  return master ? deriveKeys(master, source) : undefined;
}

/** IT recovery: rewrites the key at its place from the data directory's recovery file and the recovery key. */
export function recoverKey(dataDir: string, recoveryKey: string, ctx: KeyContext = {}): KeySource {
  const file = recoveryFile(dataDir);
  if (!existsSync(file)) throw new StationError('KEY_MISSING', `no recovery file at ${file}`, { path: file });
  const master = unwrapRecovery(readFileSync(file, 'utf8'), recoveryKey);
  const source = keySource(dataDir, ctx);
  if (existsSync(source.path)) {
    const current = readMaster(source, ctx);
    if (current?.equals(master)) return source;
    throw new StationError('CONFLICT', `a different key already exists at ${source.path}; move it away first`, { path: source.path });
  }
  storeMaster(source, master, ctx);
  return source;
}
