import { newStationId } from '../../common/ids';
import type { Store } from './db';
import { sql } from './sql';

export interface StationRow {
  id: string;
  name: string;
  agency_code: string | null;
  created_at: string;
}

/** The station's identity is minted once, on the first open of its database, and never changes. */
export function ensureStation(store: Store, name = 'Trạm số hóa'): StationRow {
  return store.tx(() => {
    // The local account the service acts as until clerks sign in (the bridge token's holder).
    store.run(sql`INSERT OR IGNORE INTO user (id, login, full_name, role, active, created_at)
      VALUES ('local', 'local', 'Quản trị trạm', 'admin', 1, ${new Date().toISOString()})`);
    const existing = store.get<StationRow>(sql`SELECT * FROM station LIMIT 1`);
    if (existing) return existing;
    const row: StationRow = { id: newStationId(), name, agency_code: null, created_at: new Date().toISOString() };
    store.run(sql`INSERT INTO station (id, name, agency_code, created_at) VALUES (${row.id}, ${row.name}, ${row.agency_code}, ${row.created_at})`);
    return row;
  });
}
