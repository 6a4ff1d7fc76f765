import type { syncMethods } from '../../../common/api/sync';
import { StationError } from '../../../common/errors';
import { aggregate, dayRange, DEFAULT_TARGETS, toCsv, toXlsx, type Targets } from '../../reports/digitisation';
import { appendAudit } from '../../store/audit';
import { dossierFacts } from '../../store/reports';
import { getSetting } from '../../store/settings';
import { syncEngineFor } from '../../sync/engine';
import { assertSecureUrl } from '../../sync/http';
import { readSyncSettings, setPaused, writeCredentials, writeSyncSettings } from '../../sync/settings';
import { loadTargetConfig } from '../../sync/targetConfig';
import type { Station } from '../../station/station';
import type { HandlersFor } from '../context';

export function createSyncHandlers(station: Station): HandlersFor<keyof typeof syncMethods> {
  const { store } = station;
  const engine = syncEngineFor(station);
  return {
    'sync.status': () => engine.status(),
    'sync.now': async () => {
      const r = await engine.syncNow();
      return { ...r, status: engine.status() };
    },
    'sync.pause': ({ paused }, ctx) => {
      setPaused(store, paused, ctx.user?.id ?? null);
      engine.kick();
      return engine.status();
    },
    'sync.configure': ({ idempotencyKey: _k, ...input }, ctx) => {
      // Refuse now what the engine would refuse later: clear text to a remote host, a broken target file.
      if (input.server) assertSecureUrl(new URL(input.server));
      const next = { ...readSyncSettings(store), ...input };
      if (next.adapter !== 'sohoa-v1' && (input.adapter !== undefined || input.targetConfigFile !== undefined)) {
        loadTargetConfig(next.adapter, next.targetConfigFile ?? null);
      }
      writeSyncSettings(store, input, ctx.user?.id ?? null);
      appendAudit(store, { actor: ctx.user?.id ?? null, action: 'sync.configure', details: { fields: Object.keys(input) } });
      engine.kick();
      return engine.status();
    },
    'sync.enrol': async ({ enrolmentCode, server }, ctx) => {
      if (server !== undefined) writeSyncSettings(store, { server }, ctx.user?.id ?? null);
      if (!readSyncSettings(store).server) throw new StationError('INVALID_REQUEST', 'no sync server configured');
      const creds = await engine.enrol(enrolmentCode, ctx.user?.id ?? null);
      appendAudit(store, { actor: ctx.user?.id ?? null, action: 'sync.enrol', details: { clientId: creds.clientId } });
      return { enrolled: true as const, clientId: creds.clientId, status: engine.status() };
    },
    'sync.setCredentials': ({ idempotencyKey: _k, ...c }, ctx) => {
      const s = readSyncSettings(store);
      if (!s.server) throw new StationError('INVALID_REQUEST', 'configure the sync server first (sync.configure server=…)');
      writeCredentials(store, s.server, { clientId: c.clientId ?? c.username ?? '', clientSecret: c.clientSecret ?? '', username: c.username, password: c.password }, ctx.user?.id ?? null);
      // Which fields were set, never their values.
      appendAudit(store, { actor: ctx.user?.id ?? null, action: 'sync.setCredentials', details: { fields: Object.keys(c).filter((k) => c[k as keyof typeof c] !== undefined) } });
      engine.kick();
      return engine.status();
    },
    'sync.test': () => engine.test(),
    'sync.fetchCatalogue': async (_p, ctx) => {
      const r = await engine.fetchCatalogue(ctx.user?.id ?? null);
      appendAudit(store, { actor: ctx.user?.id ?? null, action: 'catalogue.fetch', details: { version: r.version, procedures: r.procedures, skipped: r.skipped.length } });
      return r;
    },
    'reports.digitisation': async (p, ctx) => {
      const s = readSyncSettings(store);
      const targets: Targets = { ...DEFAULT_TARGETS, ...(getSetting<Partial<Targets>>(store, 'report.targets') ?? {}) };
      const { fromIso, toIso } = dayRange(p.from, p.to, s.utcOffsetMinutes);
      const report = aggregate(dossierFacts(store, fromIso, toIso), p.from, p.to, {
        period: p.period,
        byProcedure: p.byProcedure,
        byClerk: p.byClerk,
        targets,
        utcOffsetMinutes: s.utcOffsetMinutes,
      });
      if (p.format !== 'json') appendAudit(store, { actor: ctx.user?.id ?? null, action: 'report.export', details: { from: p.from, to: p.to, format: p.format } });
      if (p.format === 'csv') return { ...report, csv: toCsv(report) };
      if (p.format === 'xlsx') return { ...report, xlsxBase64: (await toXlsx(report)).toString('base64') };
      return report;
    },
  };
}
