import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { StationClient } from '../../../electron/common/api';
import type { ScanJobDetail, ScanProfileInput } from '../../../electron/common/capture';
import type { CaptureService } from '../../../electron/core/capture/service';
import type { Dispatcher } from '../../../electron/core/service/dispatcher';
import { createStationServices } from '../../../electron/core/service/stationServices';
import { readKeys } from '../../../electron/core/security/keys';
import { Station } from '../../../electron/core/station/station';
import { BlobStore } from '../../../electron/core/store/blobs';
import { sql } from '../../../electron/core/store/sql';
import { findProcesses } from '../../../native-bridge/processes';
import { signedInClient } from '../../helpers/session';
import { tempDir } from '../../helpers/tmp';

// Only the test backend: listing every system backend probes the network (~3 s per list).
process.env.SOHOA_SANE_BACKENDS = '';
// No DNS-SD browse for network scanners either (it waits for answers on every fresh device list).
process.env.SOHOA_ESCL_DISCOVERY = '0';

/** A demo-mode station opened in this process (own temp data dir, own SANE config) with one dossier. */
export interface DemoStation {
  station: Station;
  client: StationClient;
  dataDir: string;
  dossierId: string;
  componentId: string;
  /** The station's dispatcher (another signed-in client, e.g. an admin's, calls through it). */
  dispatcher: Dispatcher;
  /** The station's capture service (its analyse step can be awaited). */
  capture: CaptureService;
  close(): Promise<void>;
}

export async function createDossier(client: StationClient, procedureCode: string): Promise<{ dossierId: string; componentId: string }> {
  const d = await client.call('dossiers.create', { procedureCode, ownerId: '001099012345', ownerName: 'Nguyễn Văn A', purpose: 'intake' });
  if (!d.ok) throw new Error(`dossiers.create: ${JSON.stringify(d.error)}`);
  return { dossierId: d.value.id, componentId: d.value.components[0]!.id };
}

export async function openDemoStation(dataDir = tempDir('sohoa-capture-')): Promise<DemoStation> {
  const station = Station.open({ dataDir, demo: true, holder: 'test' });
  const { dispatcher, capture } = createStationServices(station);
  const client = await signedInClient(station, dispatcher, 'clerk');
  const proc = station.store.get<{ code: string }>(sql`SELECT code FROM procedure WHERE active = 1 ORDER BY code LIMIT 1`)!;
  const { dossierId, componentId } = await createDossier(client, proc.code);
  return { station, client, dataDir, dossierId, componentId, dispatcher, capture, close: () => station.close() };
}

/** A low-resolution profile for tests about durability and faults (marked as an explicit exception). */
export function lowRes(driverOptions: Record<string, string | number | boolean> = {}, extra: Partial<ScanProfileInput> = {}): ScanProfileInput {
  return {
    name: 'test-50dpi',
    pixelType: 'color',
    resolution: 50,
    source: 'feeder',
    exception: { reason: 'tests: low resolution spares the disk' },
    driverOptions,
    ...extra,
  };
}

export async function getJob(client: StationClient, jobId: string): Promise<ScanJobDetail> {
  const r = await client.call('scan.get', { jobId });
  if (!r.ok) throw new Error(`scan.get: ${JSON.stringify(r.error)}`);
  return r.value;
}

export async function waitJob(client: StationClient, jobId: string, pred: (j: ScanJobDetail) => boolean = (j) => j.state !== 'running', timeoutMs = 60_000): Promise<ScanJobDetail> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const j = await getJob(client, jobId);
    if (pred(j)) return j;
    if (Date.now() > deadline) throw new Error(`job ${jobId} did not reach the expected state in ${timeoutMs} ms: ${j.state}, ${j.pagesDone} pages`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export function seqs(j: ScanJobDetail): number[] {
  return j.pages.map((p) => p.seq);
}

export const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** Every blob file under the data dir opens (tag) and hashes to its own name (no torn or altered file). */
export function tornBlobs(dataDir: string): string[] {
  const bad: string[] = [];
  const blobs = new BlobStore(join(dataDir, 'blobs'), readKeys(dataDir)?.blobs ?? null);
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir)) {
      const p = join(dir, e);
      if (statSync(p).isDirectory()) {
        if (e !== 'tmp') walk(p);
      } else if (/^[0-9a-f]{64}$/.test(e)) {
        try {
          blobs.get(e, { verify: true });
        } catch {
          bad.push(e);
        }
      }
    }
  };
  walk(join(dataDir, 'blobs'));
  return bad;
}

export function scanimagesUnder(dataDir: string): number[] {
  return findProcesses('scanimage', dataDir).map((p) => p.pid);
}
