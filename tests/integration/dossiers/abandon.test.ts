import { afterEach, describe, expect, it } from 'vitest';
import { sql } from '../../../electron/core/store/sql';
import { auditRows } from '../../../electron/core/store/audit';
import { signedInClient } from '../../helpers/session';
import { lowRes, openDemoStation, waitJob, type DemoStation } from '../capture/harness';

let demo: DemoStation | undefined;
afterEach(async () => {
  await demo?.close();
  demo = undefined;
});

describe('abandoning a draft ("Bỏ hồ sơ")', () => {
  it('keeps every page, hides the draft, stays findable, names the clerk in the audit log, and only an admin restores it', async () => {
    demo = await openDemoStation();
    const { station, dossierId, componentId, dispatcher } = demo;
    const client = await signedInClient(station, dispatcher, 'clerk', 'Nguyễn Thị Bình');
    const scan = await client.call('scan.start', { deviceId: 'sane:test:0', profile: { ...lowRes({ 'test-picture': 'Color pattern' }), source: 'flatbed' }, componentId });
    expect(scan.ok, JSON.stringify(scan)).toBe(true);
    if (scan.ok) await waitJob(client, scan.value.id);
    const pagesBefore = station.store.all<{ id: string; raw_sha256: string }>(sql`SELECT id, raw_sha256 FROM page WHERE component_id = ${componentId} ORDER BY id`);
    expect(pagesBefore.length).toBe(1);

    // A reason is required.
    const noReason = await client.call('dossiers.abandon', { id: dossierId, reason: '   ' });
    expect(noReason).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } });

    const today = new Date(Date.now() + 7 * 3_600_000).toISOString().slice(0, 10);
    const received = async () => {
      const rep = await client.call('reports.digitisation', { from: today, to: today, period: 'all', byProcedure: false, byClerk: false });
      if (!rep.ok) throw new Error(JSON.stringify(rep.error));
      return (rep.value as { rows: { received: number }[] }).rows.reduce((n, x) => n + x.received, 0);
    };
    expect(await received()).toBe(1);

    const r = await client.call('dossiers.abandon', { id: dossierId, reason: 'Công dân không bổ sung giấy tờ' });
    expect(r.ok, JSON.stringify(r)).toBe(true);
    if (!r.ok) return;
    expect(r.value.state).toBe('abandoned');
    expect(r.value.abandoned).toMatchObject({ by: client.who.userId, byName: client.who.displayName, reason: 'Công dân không bổ sung giấy tờ' });

    // Never handed in: the digitisation report no longer counts it as received.
    expect(await received()).toBe(0);

    // Nothing deleted: the same page rows and their blobs are still there.
    const pagesAfter = station.store.all<{ id: string; raw_sha256: string }>(sql`SELECT id, raw_sha256 FROM page WHERE component_id = ${componentId} ORDER BY id`);
    expect(pagesAfter).toEqual(pagesBefore);
    expect(station.blobs.get(pagesAfter[0]!.raw_sha256, { verify: true }).length).toBeGreaterThan(0);

    // Out of the drafts list, still found by search (by CCCD and by draft id).
    const drafts = await client.call('dossiers.list', { state: 'draft', limit: 100 });
    expect(drafts.ok && drafts.value.map((d) => d.id)).not.toContain(dossierId);
    const d = await client.call('dossiers.get', { id: dossierId });
    const ownerId = d.ok ? d.value.ownerId : '';
    const found = await client.call('dossiers.search', { query: ownerId });
    expect(found.ok && found.value.find((x) => x.id === dossierId)?.state).toBe('abandoned');
    const byId = await client.call('dossiers.search', { query: dossierId });
    expect(byId.ok && byId.value.map((x) => x.id)).toContain(dossierId);

    // The audit log names the clerk and the reason.
    const ev = auditRows(station.store, '2000-01-01T00:00:00Z', '2999-01-01T00:00:00Z').filter((a) => a.action === 'dossier.abandon');
    expect(ev).toHaveLength(1);
    expect(ev[0]).toMatchObject({ actor: client.who.userId, subject_id: dossierId });
    expect(JSON.parse(ev[0]!.details_json)).toMatchObject({ reason: 'Công dân không bổ sung giấy tờ', pagesKept: 1 });

    // Abandoned: no more scanning, assembling or completing (a clear code); abandoning again changes nothing.
    const again = await client.call('scan.start', { deviceId: 'sane:test:0', profile: { ...lowRes({ 'test-picture': 'Color pattern' }), source: 'flatbed' }, componentId });
    expect(again).toMatchObject({ ok: false, error: { code: 'DOSSIER_ABANDONED' } });
    const assemble = await client.call('documents.assemble', { componentId });
    expect(assemble).toMatchObject({ ok: false, error: { code: 'DOSSIER_ABANDONED' } });
    const complete = await client.call('dossiers.complete', { id: dossierId, queue: true });
    expect(complete).toMatchObject({ ok: false, error: { code: 'DOSSIER_ABANDONED' } });
    const results = await client.call('dossiers.addResults', { id: dossierId });
    expect(results).toMatchObject({ ok: false, error: { code: 'DOSSIER_ABANDONED' } });
    const twice = await client.call('dossiers.abandon', { id: dossierId, reason: 'lần hai' });
    expect(twice.ok && twice.value.abandoned?.reason).toBe('Công dân không bổ sung giấy tờ');

    // A clerk cannot restore it; an admin can, and it is a draft again with its page.
    const refused = await client.call('dossiers.restore', { id: dossierId });
    expect(refused).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    const admin = await signedInClient(station, dispatcher, 'admin');
    const restored = await admin.call('dossiers.restore', { id: dossierId });
    expect(restored.ok, JSON.stringify(restored)).toBe(true);
    if (!restored.ok) return;
    expect(restored.value.state).toBe('draft');
    expect(restored.value.abandoned).toBeNull();
    expect(restored.value.components.find((c) => c.id === componentId)?.pageCount).toBe(1);
    const back = await client.call('dossiers.list', { state: 'draft', limit: 100 });
    expect(back.ok && back.value.map((x) => x.id)).toContain(dossierId);
    const restoreEv = auditRows(station.store, '2000-01-01T00:00:00Z', '2999-01-01T00:00:00Z').filter((a) => a.action === 'dossier.restore');
    expect(restoreEv.map((a) => a.actor)).toEqual([admin.who.userId]);
    expect(JSON.parse(restoreEv[0]!.details_json)).toMatchObject({ abandonedBy: client.who.userId });
  }, 120_000);

  it('refuses to abandon a dossier that is no longer a draft', async () => {
    demo = await openDemoStation();
    const { station, client, dossierId } = demo;
    station.store.run(sql`UPDATE dossier SET state = 'queued' WHERE id = ${dossierId}`);
    const r = await client.call('dossiers.abandon', { id: dossierId, reason: 'muộn quá' });
    expect(r).toMatchObject({ ok: false, error: { code: 'DOSSIER_NOT_EDITABLE' } });
  });
});
