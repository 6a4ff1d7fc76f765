import type { stationMethods } from '../../../common/api/station';
import { matchesSearch } from '../../../common/search';
import { dayRange } from '../../reports/digitisation';
import { appendAudit, auditRows, checkAuditChain } from '../../store/audit';
import { readSyncSettings } from '../../sync/settings';
import { listProcedures, procedureComponents } from '../../store/procedures';
import { STATION_VERSION } from '../../station/version';
import type { Station } from '../../station/station';
import type { HandlersFor } from '../context';

export function createStationHandlers(station: Station): HandlersFor<keyof typeof stationMethods> {
  return {
    'station.info': () => ({
      stationId: station.row.id,
      stationName: station.row.name,
      version: STATION_VERSION,
      schemaVersion: station.store.schemaVersion,
      dataDir: station.layout.root,
      demoMode: station.demo,
      online: false,
      serverConfigured: false,
      encrypted: station.protection.encrypted,
      auditBrokenAt: station.protection.auditBrokenAt,
      auditTruncatedAt: station.protection.auditTruncatedAt,
    }),
    'audit.export': ({ from, to }, ctx) => {
      // Local calendar days to instants, with the station's offset, as the digitisation report does.
      const { fromIso, toIso } = dayRange(from, to, readSyncSettings(station.store).utcOffsetMinutes);
      const rows = auditRows(station.store, fromIso, toIso);
      const check = checkAuditChain(station.store);
      appendAudit(station.store, { actor: ctx.user?.id ?? null, action: 'audit.export', details: { from, to, rows: rows.length } });
      return { from, to, check, rows };
    },
    'procedures.list': ({ query }) => {
      const q = query?.trim() ?? '';
      return listProcedures(station.store)
        .filter((p) => matchesSearch(`${p.code} ${p.name}`, q))
        .map((p) => ({
          code: p.code,
          name: p.name,
          level: p.level,
          components: procedureComponents(station.store, p.code).map((c) => ({
            typeCode: c.type_code,
            name: c.name,
            kind: c.kind,
            required: c.required === 1,
          })),
        }));
    },
  };
}

