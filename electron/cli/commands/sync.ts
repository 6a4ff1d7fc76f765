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
    'sohoa sync configure [--server URL] [--ca-file PEM] [--agency CODE] [--window 17:30-07:30|any] [--bandwidth KiBps|off] [--retention-days N] [--json]',
  options: {
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
    return withClient(args.dataDir, async (client) => {
      const r = await client.call('sync.configure', params as never);
      if (!r.ok) return (printError(io, args.json, r.error), EXIT.ERROR);
      if (args.json) io.out(JSON.stringify(r.value, null, 2));
      else printStatus(io, r.value);
      return EXIT.OK;
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
