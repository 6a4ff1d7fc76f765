import { createHash } from 'node:crypto';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { ulid } from '../../../electron/common/ids';
import { completeDossier } from '../../../electron/core/dossiers/service';
import { createStationServices } from '../../../electron/core/service/stationServices';
import type { Station } from '../../../electron/core/station/station';
import { createDossier, getDossier } from '../../../electron/core/store/dossiers';
import { getProcedure } from '../../../electron/core/store/procedures';
import { sql } from '../../../electron/core/store/sql';
import { join } from 'node:path';
import { openStore, type Store } from '../../../electron/core/store/db';
import { loadMigrations, type Migration } from '../../../electron/core/store/migrations';
import type { SyncEngine } from '../../../electron/core/sync/engine';
import { writeCredentials, writeSyncSettings } from '../../../electron/core/sync/settings';
import { startOneStopServer, type OneStopServer, type OneStopServerOptions, type ServerMode } from '../../onestop-server/server';
import { mulberry32, seedFromEnv } from '../../helpers/random';
import { tempDir } from '../../helpers/tmp';

/** Deterministic PRNG for seeded tests. */
export const rng = mulberry32;
export { seedFromEnv };

/** A small valid one-page PDF with unique text (so every document has its own hash). */
export async function smallPdf(text: string): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const page = doc.addPage([300, 200]);
  page.drawText(text, { x: 20, y: 100, size: 10, font });
  doc.setCreationDate(new Date(0));
  doc.setModificationDate(new Date(0));
  return doc.save({ useObjectStreams: false });
}

/** A structurally valid CCCD (TT 07/2016): Hà Nội, male, born 1985, six random digits. */
export function cccd(r: () => number): string {
  return `0010${85}${String(Math.floor(r() * 1e6)).padStart(6, '0')}`;
}

/** Stores bytes as a signed document of a component, as the PDF/A + signing pipeline would leave it. */
export function addSignedDocument(station: Station, componentId: string, bytes: Uint8Array, name: string, at = new Date().toISOString()): { id: string; sha256: string } {
  const put = station.blobs.putBuffer(bytes);
  const id = ulid();
  const { store } = station;
  store.tx(() => {
    store.run(sql`INSERT OR IGNORE INTO blob (sha256, size, media_type, created_at) VALUES (${put.sha256}, ${put.size}, 'application/pdf', ${at})`);
    store.run(sql`INSERT INTO document (id, component_id, sha256, source, file_name, pdfa_level, page_count, state, created_at, updated_at)
      VALUES (${id}, ${componentId}, ${put.sha256}, 'scan', ${name}, '1b', 1, 'signed', ${at}, ${at})`);
    store.run(sql`INSERT INTO signature (id, document_id, role, signer_name, level, signed_sha256, signed_at)
      VALUES (${ulid()}, ${id}, 'clerk', 'Trần Thị B', 'B-B', ${put.sha256}, ${at})`);
  });
  return { id, sha256: put.sha256 };
}

/** An open khai sinh (1.001193) intake dossier of the citizen OWNERID, as the counter starts one. */
export function khaiSinh(st: Station, ownerId: string, summary: string) {
  return createDossier(st.store, {
    stationId: st.row.id,
    procedure: getProcedure(st.store, '1.001193')!,
    purpose: 'intake',
    ownerIdType: 'cccd',
    ownerId,
    ownerName: 'Trần Văn C',
    ownerKind: 'citizen',
    summary,
    createdBy: 'local',
  });
}

export interface Batch {
  dossierId: string;
  hashes: string[];
}

/**
 * One batch = one intake dossier (khai sinh, or XNTTHN for one document) with `docs` (1–5) small signed PDFs spread over
 * its components, completed and queued — what a clerk's morning at the counter leaves in the outbox.
 */
export async function addBatch(station: Station, r: () => number, docs: number, label: string): Promise<Batch> {
  // 1.004873 (XNTTHN) has one required intake component, 1.001193 (khai sinh) two: batches of 1–5 docs.
  const procedure = getProcedure(station.store, docs === 1 ? '1.004873' : '1.001193')!;
  const d = createDossier(station.store, {
    stationId: station.row.id,
    procedure,
    purpose: 'intake',
    ownerIdType: 'cccd',
    ownerId: cccd(r),
    ownerName: 'Nguyễn Văn A',
    ownerKind: 'citizen',
    summary: `Đăng ký khai sinh ${label}`,
    createdBy: 'local',
  });
  const required = d.components.filter((c) => c.required);
  const hashes: string[] = [];
  for (let i = 0; i < Math.max(docs, required.length); i++) {
    const comp = i < required.length ? required[i]! : d.components[Math.floor(r() * d.components.length)]!;
    const pdf = await smallPdf(`${label} doc ${i} ${Math.floor(r() * 1e9)}`);
    hashes.push(addSignedDocument(station, comp.id, pdf, `${label}-${i}.pdf`).sha256);
  }
  completeDossier(station.store, d.id, true, 'local');
  return { dossierId: getDossier(station.store, d.id)!.id, hashes };
}

export function sha256(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** The sync engine of each station a test opened (built by the composition root, as the service does). */
const engines = new Map<Station, SyncEngine>();
export function syncEngineFor(st: Station): SyncEngine {
  let e = engines.get(st);
  if (!e) {
    e = createStationServices(st).sync;
    engines.set(st, e);
  }
  return e;
}

/** Runs passes until nothing is pending (or the deadline). */
export async function drain(st: Station, ms = 30_000): Promise<void> {
  const engine = syncEngineFor(st);
  const end = Date.now() + ms;
  while (Date.now() < end) {
    await engine.syncNow();
    const s = engine.status();
    if (s.pendingDossiers === 0 && s.failedDossiers === 0) return;
    await new Promise((r) => setTimeout(r, 30));
  }
  throw new Error(`outbox not drained: ${JSON.stringify(syncEngineFor(st).status())}`);
}

/**
 * A new database migrated up to the migration just before NAME, holding station STAB12CD34, clerk u1 and
 * procedure 1.001193 (a migration test then adds its rows and migrates).
 */
export function storeBefore(name: string): { list: Migration[]; mine: Migration; file: string; store: Store } {
  const list = loadMigrations();
  const mine = list.find((m) => m.name === name)!;
  const previous = list.filter((m) => m.version < mine.version).at(-1)!.version;
  const file = join(tempDir(), 'station.db');
  const store = openStore(file, { migrations: list, targetVersion: previous });
  const at = '2026-03-02T01:00:00.000Z';
  store.db.exec(`
    INSERT INTO station VALUES ('STAB12CD34', 'Quầy 1', 'H15.50', '${at}');
    INSERT INTO user VALUES ('u1', 'lan', 'Nguyễn Thị Lan', 'clerk', 1, '${at}');
    INSERT INTO procedure VALUES ('1.001193', 'Đăng ký khai sinh', 'commune', 'Hộ tịch', 's', 1, 1, 'v1');
  `);
  return { list, mine, file, store };
}

const FAST = { timeoutMs: 4000, backoff: { baseMs: 20, maxMs: 200, permanentMs: 300 }, pollMs: 100, agencyCode: 'H15.50' };
const CLIENT = { name: 'test-client', secret: 'client-secret-1' };
/** The province-issued account of a dvcqg target server (a station configured through the API signs in with it). */
export const ACCOUNT = { name: 'tram01', secret: 'mat-khau-1' };

/** A dvc-bo / dvcqg reference server with the province-issued client and account of configureTarget (the caller closes it). */
export function startTargetServer(mode: ServerMode, opts: Partial<OneStopServerOptions> = {}): Promise<OneStopServer> {
  return startOneStopServer({ dataDir: tempDir('onestop-'), mode, clients: [CLIENT], accounts: [ACCOUNT], seed: 1, ...opts });
}

/** Points a station at a dvc-bo / dvcqg server with the credentials the province would issue. */
export function configureTarget(st: Station, srv: OneStopServer, extra: Record<string, unknown> = {}): void {
  const mode = srv.mode as 'dvc-bo' | 'dvcqg';
  writeSyncSettings(st.store, { server: srv.url, adapter: mode, ...FAST, ...extra }, null);
  writeCredentials(st.store, srv.url, mode === 'dvc-bo' ? { clientId: CLIENT.name, clientSecret: CLIENT.secret } : { clientId: '', clientSecret: '', username: ACCOUNT.name, password: ACCOUNT.secret }, null);
}
