import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { StationClient } from '../../../electron/common/api';
import type { Dossier } from '../../../electron/common/schemas';
import { completeDossier } from '../../../electron/core/dossiers/service';
import { createStationServices } from '../../../electron/core/service/stationServices';
import { Station } from '../../../electron/core/station/station';
import { getDossier } from '../../../electron/core/store/dossiers';
import { listReviewPages } from '../../../electron/core/store/reviewPages';
import { sql } from '../../../electron/core/store/sql';
import { storeCapturedPages } from '../../helpers/capturedPages';
import { signedInClient } from '../../helpers/session';
import { addSignedDocument, smallPdf } from '../sync/fixtures';

/**
 * A change and the audit row that records it commit together: when the audit write fails (here a temporary
 * trigger on this connection makes the INSERT abort, as a full disk or a crash between the two would), the
 * change is not left behind without its record.
 */
let root: string;
let station: Station;
let client: StationClient;
let dossier: Dossier;

const auditRows = (): number => station.store.get<{ n: number }>(sql`SELECT count(*) AS n FROM audit_event`)!.n;
const outboxRows = (id: string): number => station.store.get<{ n: number }>(sql`SELECT count(*) AS n FROM document_sync s JOIN document d ON d.id = s.document_id JOIN component c ON c.id = d.component_id WHERE c.dossier_id = ${id}`)!.n;

function failAuditWrites(): void {
  station.store.run(sql`CREATE TEMP TRIGGER forced_audit_failure BEFORE INSERT ON audit_event BEGIN SELECT RAISE(ABORT, 'forced audit failure'); END`);
}

/** `n` tiny gray pages of one scan job. */
function capturePages(componentId: string, n: number): string[] {
  const pnm = (i: number): Buffer => Buffer.concat([Buffer.from('P5\n2 2\n255\n'), Buffer.from([i, i, i, i])]);
  return storeCapturedPages(station, componentId, Array.from({ length: n }, (_, i) => ({ bytes: pnm(i), width: 2, height: 2, dpi: 200, pixelType: 'gray' as const })));
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'sohoa-audit-tx-'));
  station = Station.open({ dataDir: join(root, 'data'), holder: 'test' });
  client = await signedInClient(station, createStationServices(station).dispatcher, 'clerk');
  const r = await client.call('dossiers.create', { procedureCode: '1.001193', ownerId: '001086012345', ownerName: 'Lê Văn Hùng' });
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  dossier = r.value;
});

afterEach(() => {
  station.store.run(sql`DROP TRIGGER IF EXISTS temp.forced_audit_failure`);
});

afterAll(async () => {
  await station?.close();
  rmSync(root, { recursive: true, force: true });
});

describe('one transaction for a change and its audit row', () => {
  it('pages.move: a failed audit write leaves the page order as it was', async () => {
    const componentId = dossier.components[0]!.id;
    const [a, b, c] = capturePages(componentId, 3);
    const order = (): string[] => listReviewPages(station.store, componentId).map((p) => p.id);
    // Without a fault the move and its audit row both land.
    const before = auditRows();
    const moved = await client.call('pages.move', { pageId: c!, position: 0 });
    expect(moved.ok).toBe(true);
    expect(order()).toEqual([c, a, b]);
    expect(auditRows()).toBe(before + 1);

    failAuditWrites();
    const audits = auditRows();
    const r = await client.call('pages.move', { pageId: b!, position: 0 });
    expect(r.ok).toBe(false);
    expect(order()).toEqual([c, a, b]);
    expect(auditRows()).toBe(audits);
  });

  it('pages.delete: a failed audit write leaves the page and the order in place', async () => {
    const componentId = dossier.components[1]!.id;
    const ids = capturePages(componentId, 2);
    failAuditWrites();
    const r = await client.call('pages.delete', { pageId: ids[0]! });
    expect(r.ok).toBe(false);
    expect(listReviewPages(station.store, componentId).map((p) => [p.id, p.deleted])).toEqual(ids.map((id) => [id, false]));
  });

  it('dossiers.complete: a failed audit write leaves the dossier a draft with nothing in the outbox', async () => {
    const created = await client.call('dossiers.create', { procedureCode: '1.004873', ownerId: '001086054321', ownerName: 'Phạm Thị Lan' });
    if (!created.ok) throw new Error(JSON.stringify(created.error));
    const d = created.value;
    for (const comp of d.components.filter((x) => x.required)) addSignedDocument(station, comp.id, await smallPdf(`tx ${comp.id}`), `${comp.typeCode}.pdf`);

    failAuditWrites();
    const audits = auditRows();
    expect(() => completeDossier(station.store, d.id, true, 'tester')).toThrow(/forced audit failure/);
    expect(getDossier(station.store, d.id)!.state).toBe('draft');
    expect(outboxRows(d.id)).toBe(0);
    expect(auditRows()).toBe(audits);

    // With the audit log writable again the same call completes and queues it, with its record.
    station.store.run(sql`DROP TRIGGER temp.forced_audit_failure`);
    completeDossier(station.store, d.id, true, 'tester');
    expect(getDossier(station.store, d.id)!.state).toBe('queued');
    expect(outboxRows(d.id)).toBeGreaterThan(0);
    expect(auditRows()).toBe(audits + 1);
  });

  it('dossiers.create: a failed audit write creates no dossier', async () => {
    const count = (): number => station.store.get<{ n: number }>(sql`SELECT count(*) AS n FROM dossier`)!.n;
    const before = count();
    failAuditWrites();
    const r = await client.call('dossiers.create', { procedureCode: '1.001193', ownerId: '001086099887', ownerName: 'Đỗ Văn Nam' });
    expect(r.ok).toBe(false);
    expect(count()).toBe(before);
  });
});
