import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import WebSocket from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { scanEventSchemas, type ScanEventType } from '../../../electron/common/api/devices';
import { api, ROOT, startService, type RunningService } from '../../helpers/cli';
import { tempDir } from '../../helpers/tmp';
import { lowRes, range } from './harness';

let svc: RunningService | undefined;
afterEach(async () => {
  await svc?.stop();
  svc = undefined;
});

describe('scan events on the bridge (sohoa serve --demo)', () => {
  it('pushes scan.started, scan.progress, scan.page ×10 in order, then scan.fault and scan.end, each matching its schema', async () => {
    svc = await startService(tempDir('sohoa-capture-ws-'), ['--demo'], { SOHOA_SANE_BACKENDS: '', SOHOA_TEST_FAULT_AT_SHEET: '11:SANE_STATUS_JAMMED' });
    const ws = new WebSocket(`ws://127.0.0.1:${svc.port}/events`);
    const events: { type: string; data: Record<string, unknown> }[] = [];
    await new Promise<void>((resolve, reject) => {
      ws.on('open', () => ws.send(JSON.stringify({ type: 'auth', token: svc!.token, session: svc!.session })));
      ws.on('message', (m) => {
        const ev = JSON.parse(String(m)) as (typeof events)[number];
        events.push(ev);
        if (ev.type === 'ready') resolve();
      });
      ws.on('error', reject);
    });
    const catalogue = JSON.parse(readFileSync(join(ROOT, 'resources/catalogue/procedures.json'), 'utf8')) as { procedures: { code: string }[] };
    const created = (await api(svc, 'dossiers.create', { procedureCode: catalogue.procedures[0]!.code, ownerId: '001099012345' })).body as { value: { components: { id: string }[] } };
    const componentId = created.value.components[0]!.id;
    // Slow sheets so progress is reported; the seam jams sheet 11 (the first of the second load).
    const start = (await api(svc, 'scan.start', { deviceId: 'sane:test:0', profile: lowRes({ 'read-delay': true, 'read-delay-duration': 5000 }), componentId })).body as { ok: boolean; value: { id: string } };
    expect(start.ok).toBe(true);
    const jobId = start.value.id;
    const waitFor = async (pred: () => boolean): Promise<void> => {
      const deadline = Date.now() + 60_000;
      while (!pred()) {
        if (Date.now() > deadline) throw new Error(`timed out; events: ${events.map((e) => e.type).join(',')}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    await waitFor(() => events.some((e) => e.type === 'scan.end'));
    const cont = (await api(svc, 'scan.continue', { jobId })).body as { ok: boolean };
    expect(cont.ok).toBe(true);
    await waitFor(() => events.filter((e) => e.type === 'scan.end').length === 2);
    ws.close();

    const scan = events.filter((e) => e.type.startsWith('scan.'));
    for (const e of scan) {
      const schema = scanEventSchemas[e.type as ScanEventType];
      expect(schema, e.type).toBeDefined();
      expect(schema.safeParse(e.data).success, `${e.type} ${JSON.stringify(e.data)}`).toBe(true);
    }
    const types = scan.map((e) => e.type);
    expect(types[0]).toBe('scan.started');
    expect(types).toContain('scan.progress');
    // First load: 10 pages, normal end; second load: jam at sheet 11 → fault then end, nothing lost.
    const firstEnd = types.indexOf('scan.end');
    expect(scan.slice(0, firstEnd).filter((e) => e.type === 'scan.page').map((e) => e.data.seq)).toEqual(range(1, 10));
    expect(scan[firstEnd]!.data).toMatchObject({ jobId, state: 'completed', reason: 'feeder-empty', pagesDone: 10, pagesThisRun: 10 });
    const rest = scan.slice(firstEnd + 1).map((e) => e.type);
    expect(rest.filter((t) => t !== 'scan.progress')).toEqual(['scan.started', 'scan.fault', 'scan.end']);
    expect(scan.find((e) => e.type === 'scan.fault')!.data).toMatchObject({ jobId, code: 'SCANNER_JAMMED', seq: 11, continuable: true, pagesDone: 10 });
    expect(scan.at(-1)!.data).toMatchObject({ state: 'paused', reason: 'fault', pagesDone: 10, pagesThisRun: 0 });
    // Every page event arrives after its page is stored: the API shows it at once.
    const got = (await api(svc, 'scan.get', { jobId })).body as { value: { pages: { seq: number }[] } };
    expect(got.value.pages.map((p) => p.seq)).toEqual(range(1, 10));
  });
});
