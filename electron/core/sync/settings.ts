import { z } from 'zod';
import type { SyncConfigureInput } from '../../common/api/sync';
import type { Store } from '../store/db';
import { getSetting, setSetting } from '../store/settings';
import type { Credentials } from './adapter';
import type { AdapterKind } from './targetConfig';

/** A receipt is kept at least this long before local copies may be purged (issue 16: only an admin raises it). */
export const MIN_RETENTION_DAYS = 7;

/** Sync settings (table `setting`, keys `sync.*`, `retention.days`). */

export const backoffSchema = z.object({
  /** First retry after about this long (jittered). */
  baseMs: z.number().int().min(1).default(2_000),
  /** Retries never wait longer than this. */
  maxMs: z.number().int().min(1).default(15 * 60_000),
  /** Rows failed with a permanent error are still retried, this rarely. */
  permanentMs: z.number().int().min(1).default(6 * 3_600_000),
});
export type Backoff = z.infer<typeof backoffSchema>;

export interface SyncSettings {
  /** Which OneStopAdapter speaks to the server (docs/sync.md, Adapters). */
  adapter: AdapterKind;
  /** Per-target JSON (paths, enums, formats, limits); null = resources/onestop-targets/<adapter>.json. */
  targetConfigFile: string | null;
  /** caFile is the only trust root for the server (system CAs ignored). */
  pinCa: boolean;
  server: string | null;
  caFile: string | null;
  agencyCode: string | null;
  /** "HH:MM-HH:MM" local time (may wrap midnight, e.g. 17:30-07:30); null = any time. */
  window: string | null;
  /** Minutes east of UTC for the window (Asia/Ho_Chi_Minh = 420). */
  utcOffsetMinutes: number;
  bandwidthKBps: number | null;
  timeoutMs: number;
  backoff: Backoff;
  paused: boolean;
  /** Idle poll interval while nothing is due (ms). */
  pollMs: number;
  /** Dossiers sent in parallel. */
  concurrency: number;
  retentionDays: number;
}

export type ConfigureInput = SyncConfigureInput;

export function readSyncSettings(store: Store): SyncSettings {
  return {
    adapter: getSetting<AdapterKind>(store, 'sync.adapter') ?? 'sohoa-v1',
    targetConfigFile: getSetting<string | null>(store, 'sync.targetConfigFile') ?? null,
    pinCa: getSetting<boolean>(store, 'sync.pinCa') ?? false,
    server: getSetting<string | null>(store, 'sync.server') ?? null,
    caFile: getSetting<string | null>(store, 'sync.caFile') ?? null,
    agencyCode: getSetting<string | null>(store, 'sync.agencyCode') ?? null,
    window: getSetting<string | null>(store, 'sync.window') ?? null,
    utcOffsetMinutes: getSetting<number>(store, 'sync.utcOffsetMinutes') ?? 420,
    bandwidthKBps: getSetting<number | null>(store, 'sync.bandwidthKBps') ?? null,
    timeoutMs: getSetting<number>(store, 'sync.timeoutMs') ?? 30_000,
    backoff: backoffSchema.parse(getSetting<Partial<Backoff>>(store, 'sync.backoff') ?? {}),
    paused: getSetting<boolean>(store, 'sync.paused') ?? false,
    pollMs: getSetting<number>(store, 'sync.pollMs') ?? 30_000,
    concurrency: getSetting<number>(store, 'sync.concurrency') ?? 2,
    // Never purge sooner than MIN_RETENTION_DAYS after a receipt, whatever an older setting says.
    retentionDays: Math.max(MIN_RETENTION_DAYS, getSetting<number>(store, 'retention.days') ?? 90),
  };
}

export function writeSyncSettings(store: Store, input: ConfigureInput, by: string | null): void {
  store.tx(() => {
    const previousAdapter = getSetting<AdapterKind>(store, 'sync.adapter') ?? 'sohoa-v1';
    const set = (key: string, v: unknown): void => {
      if (v !== undefined) setSetting(store, key, v, by);
    };
    set('sync.adapter', input.adapter);
    set('sync.targetConfigFile', input.targetConfigFile);
    set('sync.pinCa', input.pinCa);
    set('sync.server', input.server);
    set('sync.caFile', input.caFile);
    set('sync.agencyCode', input.agencyCode);
    set('sync.window', input.window);
    set('sync.utcOffsetMinutes', input.utcOffsetMinutes);
    set('sync.bandwidthKBps', input.bandwidthKBps);
    set('sync.timeoutMs', input.timeoutMs);
    if (input.backoff !== undefined) {
      const cur = getSetting<Partial<Backoff>>(store, 'sync.backoff') ?? {};
      setSetting(store, 'sync.backoff', { ...cur, ...input.backoff }, by);
    }
    set('sync.pollMs', input.pollMs);
    set('sync.concurrency', input.concurrency);
    set('retention.days', input.retentionDays);
    // A different server or target means different credentials.
    if (input.adapter !== undefined && input.adapter !== previousAdapter) {
      setSetting(store, 'sync.credentials', null, by);
    }
    if (input.server !== undefined) {
      const enrolledFor = getSetting<string>(store, 'sync.enrolledServer');
      if (enrolledFor !== undefined && enrolledFor !== input.server) setSetting(store, 'sync.credentials', null, by);
    }
  });
}

export function setPaused(store: Store, paused: boolean, by: string | null): void {
  setSetting(store, 'sync.paused', paused, by);
}

export function readCredentials(store: Store): Credentials | null {
  return getSetting<Credentials | null>(store, 'sync.credentials') ?? null;
}

export function writeCredentials(store: Store, server: string, c: Credentials, by: string | null): void {
  store.tx(() => {
    setSetting(store, 'sync.credentials', c, by);
    setSetting(store, 'sync.enrolledServer', server, by);
  });
}
