import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { SyncStatusView } from '../../common/api/sync';
import { EXIT, type Command, type Io } from '../command';
import { withClient } from '../connect';
import { printError } from '../output';

const STATE_VI: Record<SyncStatusView['state'], string> = {
  unconfigured: 'chưa cấu hình máy chủ',
  'not-enrolled': 'chưa đăng ký trạm',
  paused: 'tạm dừng',
  'outside-window': 'ngoài khung giờ đồng bộ',
  idle: 'sẵn sàng',
  syncing: 'đang đồng bộ',
  offline: 'mất kết nối',
  error: 'lỗi',
};

function printStatus(io: Io, s: SyncStatusView): void {
  io.out(`Đồng bộ / sync: ${STATE_VI[s.state]} (${s.state})${s.online === null ? '' : s.online ? ' · trực tuyến / online' : ' · ngoại tuyến / offline'}`);
  io.out(`  Máy chủ / server: ${s.server ?? '—'}${s.enrolled ? ' (đã đăng ký / enrolled)' : ''}`);
  if (s.window) io.out(`  Khung giờ / window: ${s.window}${s.inWindow ? ' (đang mở / open)' : ' (đóng / closed)'}`);
  io.out(`  Hồ sơ chờ / dossiers pending: ${s.pendingDossiers} · lỗi / failed: ${s.failedDossiers} · tệp chờ / files pending: ${s.pendingUploads}`);
  io.out(`  Tệp đã đồng bộ / documents synced: ${s.syncedDocuments}${s.lastSyncAt ? ` · lần cuối / last: ${s.lastSyncAt}` : ''}`);
  if (s.lastErrorCode) io.out(`  Lỗi gần nhất / last error: ${s.lastErrorCode} — ${s.lastError ?? ''}`);
  if (s.nextAttemptAt && s.pendingDossiers + s.failedDossiers > 0) io.out(`  Thử lại / next attempt: ${s.nextAttemptAt}`);
}

export const syncStatusCommand: Command = {
  name: 'sync status',
  summary: 'show the outbox and the connection to the one-stop server',
  usage: 'sohoa sync status [--json]',
  options: {},
  async run(args, io) {
    return withClient(args.dataDir, async (client) => {
      const r = await client.call('sync.status', {});
      if (!r.ok) return (printError(io, args.json, r.error), EXIT.ERROR);
      if (args.json) io.out(JSON.stringify(r.value, null, 2));
      else printStatus(io, r.value);
      return EXIT.OK;
    });
  },
};

export const syncNowCommand: Command = {
  name: 'sync now',
  summary: 'send everything queued now (ignores backoff; exit 1 when something failed)',
  usage: 'sohoa sync now [--json]',
  options: {},
  async run(args, io) {
    return withClient(args.dataDir, async (client) => {
      const r = await client.call('sync.now', {});
      if (!r.ok) return (printError(io, args.json, r.error), EXIT.ERROR);
      if (args.json) io.out(JSON.stringify(r.value, null, 2));
      else {
        io.out(`Đã gửi / synced: ${r.value.synced} hồ sơ · lỗi / failed: ${r.value.failed} · đã dọn / purged: ${r.value.purged}`);
        printStatus(io, r.value.status);
      }
      return r.value.failed > 0 ? EXIT.ERROR : EXIT.OK;
    });
  },
};

export const syncEnrolCommand: Command = {
  name: 'sync enrol',
  summary: 'register this station with the one-stop server using an enrolment code',
  usage: 'sohoa sync enrol --code CODE [--server URL] [--ca-file PEM] [--agency CODE] [--json]',
  options: { code: { type: 'string' }, server: { type: 'string' }, 'ca-file': { type: 'string' }, agency: { type: 'string' } },
  async run(args, io) {
    const code = args.values.code as string | undefined;
    if (!code) {
      io.err('--code is required');
      return EXIT.USAGE;
    }
    return withClient(args.dataDir, async (client) => {
      const caFile = args.values['ca-file'] as string | undefined;
      const agency = args.values.agency as string | undefined;
      if (caFile !== undefined || agency !== undefined) {
        const c = await client.call('sync.configure', { ...(caFile ? { caFile } : {}), ...(agency ? { agencyCode: agency } : {}) });
        if (!c.ok) return (printError(io, args.json, c.error), EXIT.ERROR);
      }
      const server = args.values.server as string | undefined;
      const r = await client.call('sync.enrol', { enrolmentCode: code, ...(server ? { server } : {}) });
      if (!r.ok) return (printError(io, args.json, r.error), EXIT.ERROR);
      if (args.json) io.out(JSON.stringify(r.value, null, 2));
      else {
        io.out(`Đã đăng ký trạm / station enrolled (client ${r.value.clientId})`);
        printStatus(io, r.value.status);
      }
      return EXIT.OK;
    });
  },
};

export const syncConfigureCommand: Command = {
  name: 'sync configure',
  summary: 'set the sync server, CA file, agency code, sync window, bandwidth and retention',
  usage:
    'sohoa sync configure [--adapter sohoa-v1|dvc-bo|dvcqg] [--target-config FILE|default] [--server URL] [--ca-file PEM] [--pin-ca|--no-pin-ca] ' +
    '[--credentials-file FILE | --credentials-env VAR | --credentials-fd N] [--agency CODE] [--window 17:30-07:30|any] [--bandwidth KiBps|off] [--retention-days N≥7] [--json]',
  options: {
    adapter: { type: 'string' },
    'target-config': { type: 'string' },
    'pin-ca': { type: 'boolean' },
    'no-pin-ca': { type: 'boolean' },
    'credentials-file': { type: 'string' },
    'credentials-env': { type: 'string' },
    'credentials-fd': { type: 'string' },
    server: { type: 'string' },
    'ca-file': { type: 'string' },
    agency: { type: 'string' },
    window: { type: 'string' },
    bandwidth: { type: 'string' },
    'retention-days': { type: 'string' },
  },
  async run(args, io) {
    const v = args.values;
    const params: Record<string, unknown> = {};
    if (v.server !== undefined) params.server = v.server;
    if (v['ca-file'] !== undefined) params.caFile = v['ca-file'] === 'none' ? null : v['ca-file'];
    if (v.agency !== undefined) params.agencyCode = v.agency;
    if (v.window !== undefined) params.window = v.window === 'any' ? null : v.window;
    if (v.bandwidth !== undefined) params.bandwidthKBps = v.bandwidth === 'off' ? null : Number(v.bandwidth);
    if (v['retention-days'] !== undefined) params.retentionDays = Number(v['retention-days']);
    if (v.adapter !== undefined) params.adapter = v.adapter;
    if (v['target-config'] !== undefined) params.targetConfigFile = v['target-config'] === 'default' ? null : resolve(v['target-config'] as string);
    if (v['pin-ca'] === true) params.pinCa = true;
    if (v['no-pin-ca'] === true) params.pinCa = false;
    let creds: Record<string, string> | null;
    try {
      creds = readSecretSource(v);
    } catch (err) {
      io.err((err as Error).message);
      return EXIT.USAGE;
    }
    return withClient(args.dataDir, async (client) => {
      let r = await client.call('sync.configure', params as never);
      if (!r.ok) return (printError(io, args.json, r.error), EXIT.ERROR);
      if (creds) {
        r = await client.call('sync.setCredentials', creds as never);
        if (!r.ok) return (printError(io, args.json, r.error), EXIT.ERROR);
      }
      if (args.json) io.out(JSON.stringify(r.value, null, 2));
      else printStatus(io, r.value);
      return EXIT.OK;
    });
  },
};

/**
 * Province credentials never travel on a command line (visible in `ps`, shell history): a JSON file, an environment
 * variable or an inherited file descriptor holding `{"clientId","clientSecret"}` (DVC Bộ) or `{"username","password"}`
 * (DVCQG, iGate accounts).
 */
function readSecretSource(v: Record<string, unknown>): Record<string, string> | null {
  const file = v['credentials-file'] as string | undefined;
  const env = v['credentials-env'] as string | undefined;
  const fd = v['credentials-fd'] as string | undefined;
  const given = [file, env, fd].filter((x) => x !== undefined);
  if (given.length === 0) return null;
  if (given.length > 1) throw new Error('give one of --credentials-file, --credentials-env, --credentials-fd');
  let text: string;
  if (file !== undefined) text = readFileSync(file, 'utf8');
  else if (env !== undefined) {
    const x = process.env[env];
    if (x === undefined) throw new Error(`environment variable ${env} is not set`);
    text = x;
  } else {
    if (!/^\d+$/.test(fd!)) throw new Error('--credentials-fd takes a file descriptor number');
    text = readFileSync(Number(fd), 'utf8');
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error('credentials must be a JSON object like {"clientId":"…","clientSecret":"…"} or {"username":"…","password":"…"}');
  }
  const o = (json ?? {}) as Record<string, unknown>;
  const out: Record<string, string> = {};
  for (const k of ['clientId', 'clientSecret', 'username', 'password']) if (typeof o[k] === 'string' && o[k]) out[k] = o[k] as string;
  if (Object.keys(out).length === 0) throw new Error('credentials JSON has none of clientId, clientSecret, username, password');
  return out;
}

export const syncTestCommand: Command = {
  name: 'sync test',
  summary: "log in to the configured one-stop system and show its raw reply (IT staff; admin)",
  usage: 'sohoa sync test [--json]',
  options: {},
  async run(args, io) {
    return withClient(args.dataDir, async (client) => {
      const r = await client.call('sync.test', {});
      if (!r.ok) return (printError(io, args.json, r.error), EXIT.ERROR);
      if (args.json) io.out(JSON.stringify(r.value, null, 2));
      else {
        io.out(`Bộ điều hợp / adapter: ${r.value.adapter} — ${r.value.ok ? 'kết nối được / OK' : `lỗi / failed: ${r.value.errorCode} — ${r.value.error ?? ''}`}`);
        for (const x of r.value.exchanges) {
          io.out(`${x.request} → HTTP ${x.status}${x.correlationId ? ` (correlationId ${x.correlationId})` : ''}`);
          io.out(x.body);
        }
      }
      return r.value.ok ? EXIT.OK : EXIT.ERROR;
    });
  },
};

export const syncPauseCommand: Command = {
  name: 'sync pause',
  summary: 'pause (or with --resume, resume) sending to the server',
  usage: 'sohoa sync pause [--resume] [--json]',
  options: { resume: { type: 'boolean' } },
  async run(args, io) {
    return withClient(args.dataDir, async (client) => {
      const r = await client.call('sync.pause', { paused: args.values.resume !== true });
      if (!r.ok) return (printError(io, args.json, r.error), EXIT.ERROR);
      if (args.json) io.out(JSON.stringify(r.value, null, 2));
      else printStatus(io, r.value);
      return EXIT.OK;
    });
  },
};
