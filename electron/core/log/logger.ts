import { appendFileSync, existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  child(scope: string): Logger;
}

interface Sink {
  dir: string | null;
  level: number;
  maxBytes: number;
  keep: number;
  stderr: boolean;
}

/** One process-wide sink: JSON lines in <dataDir>/logs/station.log, rotated by size (station.log.1 … .N). */
const sink: Sink = {
  dir: null,
  level: LEVELS.info,
  maxBytes: 5 * 1024 * 1024,
  keep: 5,
  stderr: process.env.SOHOA_LOG_STDERR === '1',
};
let currentSize = -1;

export function configureLogging(opts: { dir?: string | null; level?: LogLevel; maxBytes?: number; keep?: number; stderr?: boolean }): void {
  if (opts.dir !== undefined) {
    sink.dir = opts.dir;
    if (opts.dir !== null) mkdirSync(opts.dir, { recursive: true, mode: 0o700 });
    currentSize = -1;
  }
  if (opts.level !== undefined) sink.level = LEVELS[opts.level];
  if (opts.maxBytes !== undefined) sink.maxBytes = opts.maxBytes;
  if (opts.keep !== undefined) sink.keep = opts.keep;
  if (opts.stderr !== undefined) sink.stderr = opts.stderr;
}

function rotate(dir: string): void {
  const base = join(dir, 'station.log');
  rmSync(`${base}.${sink.keep}`, { force: true });
  for (let i = sink.keep - 1; i >= 1; i--) {
    if (existsSync(`${base}.${i}`)) renameSync(`${base}.${i}`, `${base}.${i + 1}`);
  }
  if (existsSync(base)) renameSync(base, `${base}.1`);
  currentSize = 0;
}

/** Keys whose values never reach a log line (PINs, passwords, tokens). */
const SECRET_KEYS = /pin|password|passphrase|secret|token|authorization/i;

function redact(fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fields)) {
    if (SECRET_KEYS.test(k) || PERSON_KEYS.test(k)) out[k] = '[redacted]';
    else if (v instanceof Error) out[k] = { name: v.name, message: v.message, code: (v as { code?: unknown }).code };
    else out[k] = v;
  }
  return out;
}

/** Keys that name a citizen (owner name): the value is dropped. */
const PERSON_KEYS = /^(owner_?name|full_?name|ho_?ten|citizen_?name)$/i;
/** A 12-digit run is a CCCD until proven otherwise (NĐ 13/2023, Law 91/2025): keep only the last 3 digits. */
const CCCD_RUN = /(?<!\d)\d{9}(\d{3})(?!\d)/g;

/** The masking every log line passes through, whatever field or message carries the number. */
export function maskPersonalData(text: string): string {
  return text.replace(CCCD_RUN, '*********$1');
}

function write(level: LogLevel, scope: string, msg: string, fields?: Record<string, unknown>): void {
  if (LEVELS[level] < sink.level) return;
  const line =
    maskPersonalData(JSON.stringify({ t: new Date().toISOString(), level, scope, msg, pid: process.pid, ...(fields ? redact(fields) : {}) })) + '\n';
  if (sink.stderr) process.stderr.write(line);
  if (sink.dir === null) return;
  try {
    const file = join(sink.dir, 'station.log');
    if (currentSize < 0) currentSize = existsSync(file) ? statSync(file).size : 0;
    if (currentSize + line.length > sink.maxBytes) rotate(sink.dir);
    appendFileSync(file, line, { mode: 0o600 });
    currentSize += Buffer.byteLength(line);
  } catch {
    // A full or read-only disk must not turn logging into a crash; the caller's own error path reports it.
  }
}

export function createLogger(scope: string): Logger {
  return {
    debug: (m, f) => write('debug', scope, m, f),
    info: (m, f) => write('info', scope, m, f),
    warn: (m, f) => write('warn', scope, m, f),
    error: (m, f) => write('error', scope, m, f),
    child: (sub) => createLogger(`${scope}.${sub}`),
  };
}
