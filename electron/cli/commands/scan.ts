import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ScanJob, ScanJobDetail } from '../../common/capture';
import { StationError } from '../../common/errors';
import { errorText } from '../../common/errorText';
import type { StationClient } from '../../common/api';
import { createDriverRegistry } from '../../core/capture/drivers';
import { resolveProfile } from '../../core/capture/profiles';
import { DEFAULT_WATCHDOG_MS } from '../../core/capture/service';
import { checkAgainstCapabilities } from '../../core/capture/scanProfile';
import { privateTempDir } from '../../../native-bridge/process/privateTemp';
import { SPOOL_PATTERN } from '../../../native-bridge/sane/driver';
import { EXIT, type Command, type Io, type ParsedArgs } from '../command';
import { withClient } from '../connect';
import { printError } from '../output';
import { resolveComponent } from '../components';

/** `--profile` is a profile name or a JSON file (station profile or scanner.js request). */
function profileArg(value: string): unknown {
  if (value.endsWith('.json') || existsSync(value)) {
    try {
      return JSON.parse(readFileSync(resolve(value), 'utf8')) as unknown;
    } catch (err) {
      throw new StationError('INVALID_PROFILE', `cannot read profile file ${value}: ${(err as Error).message}`, { file: value });
    }
  }
  return value;
}

/** `--option test-picture=Grid` (repeatable) → driver options. */
function driverOptions(values: ParsedArgs['values']['option']): Record<string, string> | undefined {
  const list = Array.isArray(values) ? values : typeof values === 'string' ? [values] : [];
  if (list.length === 0) return undefined;
  const out: Record<string, string> = {};
  for (const item of list) {
    const m = /^([a-z][a-z0-9-]*)=(.*)$/.exec(String(item));
    if (!m) throw new StationError('INVALID_PROFILE', `--option wants NAME=VALUE, got ${String(item)}`);
    out[m[1]!] = m[2]!;
  }
  return out;
}

function bar(percent: number, width = 30): string {
  const n = Math.max(0, Math.min(width, Math.round((percent / 100) * width)));
  return `[${'#'.repeat(n)}${' '.repeat(width - n)}]`;
}

/** Follows a job by polling scan.get (works the same over the bridge and in-process); prints events. */
async function follow(client: StationClient, io: Io, json: boolean, job: ScanJob, interrupted: () => boolean): Promise<ScanJobDetail> {
  const seen = new Set<number>();
  let lastProgress = '';
  let barShown = false;
  let cancelSent = false;
  const say = (type: string, data: unknown): void => {
    if (json) io.out(JSON.stringify({ type, at: new Date().toISOString(), data }));
  };
  say('scan.started', { jobId: job.id, componentId: job.componentId, deviceId: job.deviceId, unsupported: job.unsupported });
  if (!json) {
    io.out(`Đang quét / scanning: job ${job.id} · ${job.profile.name} · ${job.profile.resolution} dpi ${job.profile.pixelType} ${job.profile.source}`);
    for (const u of job.unsupported) io.out(`  Lưu ý / note: thiết bị không hỗ trợ ${u} / the device does not support ${u}: scanning without it`);
  }
  for (;;) {
    if (interrupted() && !cancelSent) {
      cancelSent = true;
      await client.call('scan.cancel', { jobId: job.id });
    }
    const g = await client.call('scan.get', { jobId: job.id });
    if (!g.ok) throw new StationError(g.error.code, g.error.message, g.error.details);
    const d = g.value;
    for (const p of d.pages) {
      if (seen.has(p.seq)) continue;
      seen.add(p.seq);
      if (json) say('scan.page', p);
      else {
        if (barShown && io.tty) io.out('\x1b[1A\x1b[2K\x1b[1A');
        barShown = false;
        io.out(`  trang / page ${p.seq}: ${p.width}×${p.height} @ ${p.dpi} dpi  sha256 ${p.sha256.slice(0, 16)}…`);
      }
    }
    if (d.state !== 'running') {
      if (d.fault) say('scan.fault', { jobId: d.id, ...d.fault, pagesDone: d.pagesDone });
      say('scan.end', { jobId: d.id, state: d.state, pagesDone: d.pagesDone });
      return d;
    }
    if (d.progress !== null) {
      const key = `${d.pagesDone}:${Math.floor(d.progress / 5)}`;
      if (key !== lastProgress) {
        lastProgress = key;
        if (json) say('scan.progress', { jobId: d.id, seq: d.pagesDone + 1, percent: d.progress });
        else if (io.tty) {
          if (barShown) io.out('\x1b[1A\x1b[2K\x1b[1A');
          io.out(`${bar(d.progress)} tờ / sheet ${d.pagesDone + 1}: ${d.progress.toFixed(0)} %`);
          barShown = true;
        }
      }
    }
    await new Promise((r) => setTimeout(r, 150));
  }
}

function report(io: Io, json: boolean, d: ScanJobDetail): number {
  if (d.state === 'completed') {
    if (!json) io.out(`Xong / done: ${d.pagesDone} trang / pages in job ${d.id}`);
    return EXIT.OK;
  }
  if (d.state === 'cancelled') {
    if (!json) io.out(`Đã hủy / cancelled: ${d.pagesDone} trang đã lưu / pages kept`);
    return EXIT.INTERRUPTED;
  }
  if (d.fault) {
    if (!json) {
      const vi = errorText(d.fault.code, 'vi');
      const en = errorText(d.fault.code, 'en');
      io.err(`Lỗi ${d.fault.code}: ${vi.message}${vi.action ? ` ${vi.action}` : ''}`);
      io.err(`Error ${d.fault.code}: ${en.message} (${d.fault.message})`);
      io.err(`${d.pagesDone} trang đã lưu / pages kept.${d.fault.continuable ? ` Tiếp tục / continue: sohoa scan --continue ${d.id}` : ''}`);
    }
    return EXIT.ERROR;
  }
  return EXIT.ERROR;
}

/** `sohoa scan --out DIR`: a plain dump of raw pages, no station database involved. */
async function rawDump(args: ParsedArgs, io: Io): Promise<number> {
  const out = resolve(args.values.out as string);
  const deviceId = args.values.device as string | undefined;
  if (!deviceId) {
    io.err('--device is required');
    return EXIT.USAGE;
  }
  mkdirSync(out, { recursive: true });
  const saneDir = privateTempDir('sane');
  try {
    const drivers = createDriverRegistry({ saneDir, demo: args.values.demo === true || process.env.SOHOA_DEMO === '1', platform: process.platform });
    const id = drivers.normalise(deviceId);
    const driver = drivers.driverFor(id);
    const { profile: base } = resolveProfile(profileArg((args.values.profile as string | undefined) ?? 'colour-200-feeder'));
    const opts = driverOptions(args.values.option);
    const profile = opts ? { ...base, driverOptions: { ...base.driverOptions, ...opts } } : base;
    const caps = await driver.capabilities(id);
    const unsupported = checkAgainstCapabilities(profile, caps);
    const used = readdirSync(out)
      .map((f) => SPOOL_PATTERN.exec(f))
      .filter((m) => m !== null)
      .map((m) => Number(m[1]));
    const firstSeq = used.length > 0 ? Math.max(...used) + 1 : 1;
    const run = driver.scan(id, profile, { spoolDir: out, firstSeq, watchdogMs: DEFAULT_WATCHDOG_MS, midBatch: false });
    const onInt = (): void => run.cancel();
    process.once('SIGINT', onInt);
    run.on((ev) => {
      if (args.json) io.out(JSON.stringify(ev.type === 'page' ? { type: 'page', ...ev.page } : ev));
      else if (ev.type === 'page') io.out(`${ev.page.file}  ${ev.page.width}×${ev.page.height} @ ${ev.page.dpi} dpi`);
    });
    if (!args.json) for (const u of unsupported) io.out(`Lưu ý / note: ${u} not supported by ${id}`);
    const end = await run.done;
    process.off('SIGINT', onInt);
    if (end.reason === 'fault' && end.fault) {
      if (!args.json) printError(io, false, { code: end.fault.code, message: end.fault.message });
      return EXIT.ERROR;
    }
    if (end.reason === 'cancelled') return EXIT.INTERRUPTED;
    if (!args.json) io.out(`${end.pages} trang / pages → ${out}`);
    return EXIT.OK;
  } finally {
    rmSync(saneDir, { recursive: true, force: true });
  }
}

export const scanCommand: Command = {
  name: 'scan',
  summary: 'scan pages into a dossier component (or dump raw pages with --out DIR)',
  usage:
    'sohoa scan --device ID --profile P --dossier DRAFT_ID --component COMPONENT [--option NAME=VALUE]… [--watchdog-ms N] [--demo] [--json]\n' +
    '       sohoa scan --continue JOB_ID [--option NAME=VALUE]… [--json]\n' +
    '       sohoa scan --out DIR --device ID [--profile P] [--option NAME=VALUE]… [--demo] [--json]\n' +
    '  ID: as `sohoa devices` prints it (sane:test:0, escl:<uuid>). P: a profile name (colour-200-feeder, …) or a JSON file\n' +
    '  (a station profile or a scanner.js request). COMPONENT: component id or type code (`sohoa dossier show`).\n' +
    '  --option passes a driver option (SANE: --option test-picture=Grid). A progress bar on a terminal;\n' +
    '  --json prints one JSON event per line (scan.started, scan.progress, scan.page, scan.fault, scan.end).\n' +
    '  Exit: 0 the load finished, 1 a fault (pages kept; continue with --continue JOB_ID), 130 cancelled (Ctrl-C).',
  options: {
    device: { type: 'string' },
    profile: { type: 'string' },
    dossier: { type: 'string' },
    component: { type: 'string' },
    out: { type: 'string' },
    continue: { type: 'string' },
    option: { type: 'string', multiple: true },
    'watchdog-ms': { type: 'string' },
    demo: { type: 'boolean' },
  },
  async run(args, io) {
    if (args.values.demo === true) process.env.SOHOA_DEMO = '1';
    if (args.values.out !== undefined) return rawDump(args, io);
    const watchdogText = args.values['watchdog-ms'] as string | undefined;
    const watchdogMs = watchdogText === undefined ? undefined : Number(watchdogText);
    if (watchdogMs !== undefined && (!Number.isInteger(watchdogMs) || watchdogMs < 200)) {
      io.err('--watchdog-ms must be an integer ≥ 200');
      return EXIT.USAGE;
    }
    const continueId = args.values.continue as string | undefined;
    const deviceId = args.values.device as string | undefined;
    const profile = args.values.profile as string | undefined;
    const dossierId = args.values.dossier as string | undefined;
    const componentArg = args.values.component as string | undefined;
    if (!continueId && (!deviceId || !profile || !dossierId || !componentArg)) {
      io.err(`--device, --profile, --dossier and --component are required\nusage: ${scanCommand.usage}`);
      return EXIT.USAGE;
    }
    const opts = driverOptions(args.values.option);
    return withClient(args.dataDir, async (client) => {
      let interrupted = false;
      const onInt = (): void => {
        interrupted = true;
      };
      process.once('SIGINT', onInt);
      try {
        let started;
        if (continueId) {
          started = await client.call('scan.continue', { jobId: continueId, ...(opts ? { driverOptions: opts } : {}), ...(watchdogMs ? { watchdogMs } : {}) });
        } else {
          const resolved = await resolveComponent(client, dossierId!, componentArg!);
          if (!resolved.ok) {
            printError(io, args.json, resolved.error);
            return EXIT.ERROR;
          }
          let profileRef = profileArg(profile!);
          if (opts) {
            // Driver options on the command line: resolve the named profile and add them.
            const base = typeof profileRef === 'string' ? resolveProfile(profileRef).profile : (profileRef as Record<string, unknown>);
            profileRef = 'twain_cap_setting' in base ? { ...base, driver_options: { ...((base.driver_options as object) ?? {}), ...opts } } : { ...base, driverOptions: { ...((base.driverOptions as object) ?? {}), ...opts } };
          }
          started = await client.call('scan.start', {
            deviceId: deviceId!,
            profile: profileRef as string | Record<string, unknown>,
            componentId: resolved.value.id,
            ...(watchdogMs ? { watchdogMs } : {}),
          });
        }
        if (!started.ok) {
          printError(io, args.json, started.error);
          return EXIT.ERROR;
        }
        const final = await follow(client, io, args.json, started.value, () => interrupted);
        return report(io, args.json, final);
      } finally {
        process.off('SIGINT', onInt);
      }
    });
  },
};
