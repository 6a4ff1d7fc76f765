import type { stationMethods } from '../../../common/api/station';
import { matchesSearch } from '../../../common/search';
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
    }),
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
