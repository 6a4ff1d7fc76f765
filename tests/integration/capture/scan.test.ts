import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Capabilities } from '../../../electron/common/capture';
import { ROOT, runCli } from '../../helpers/cli';
import { cliSignIn } from '../../helpers/session';
import { tempDir } from '../../helpers/tmp';
import { getJob, lowRes, openDemoStation, range, scanimagesUnder, seqs, tornBlobs, waitJob, type DemoStation } from './harness';

const FIXTURE = new URL('../../fixtures/capture/scannerjs-colour-300-feeder-duplex.json', import.meta.url);

let open: DemoStation | undefined;
afterEach(async () => {
  await open?.close();
  open = undefined;
});

describe('sohoa devices / sohoa scan in demo mode (real SANE test backend)', () => {
  it('lists the test device with its capabilities, and stores a 10-sheet ADF load at 200 dpi colour as 10 A4 pages in order', () => {
    const dataDir = tempDir('sohoa-capture-cli-');
    const env = { SOHOA_DATA_DIR: dataDir, SOHOA_DEMO: '1', SOHOA_SANE_BACKENDS: '' };
    cliSignIn(dataDir, env);
    const dev = runCli(['devices', '--json'], env);
    expect(dev.code, dev.stderr).toBe(0);
    const devices = JSON.parse(dev.stdout) as { id: string; driver: string; capabilities: Capabilities }[];
    const test0 = devices.find((d) => d.id === 'sane:test:0');
    expect(test0?.driver).toBe('sane');
    expect(test0!.capabilities.sources).toEqual(expect.arrayContaining(['flatbed', 'feeder']));
    expect(test0!.capabilities.pixelTypes).toContain('color');
    expect(test0!.capabilities.duplex).toBe(false);
    expect(test0!.capabilities.feederCapacity).toBe(10);

    const catalogue = JSON.parse(readFileSync(join(ROOT, 'resources/catalogue/procedures.json'), 'utf8')) as { procedures: { code: string }[] };
    const created = runCli(['dossier', 'create', '--procedure', catalogue.procedures[0]!.code, '--owner', '001099012345', '--json'], env);
    expect(created.code, created.stderr).toBe(0);
    const dossier = JSON.parse(created.stdout) as { id: string; components: { id: string }[] };
    const scan = runCli(['scan', '--device', 'sane:test:0', '--profile', 'colour-200-feeder', '--dossier', dossier.id, '--component', dossier.components[0]!.id, '--json'], env);
    expect(scan.code, scan.stderr).toBe(0);
    const events = scan.stdout.trim().split('\n').map((l) => JSON.parse(l) as { type: string; data: Record<string, unknown> });
    const pages = events.filter((e) => e.type === 'scan.page').map((e) => e.data);
    expect(pages.map((p) => p.seq)).toEqual(range(1, 10));
    expect(pages.map((p) => p.position)).toEqual(range(1, 10));
    for (const p of pages) expect([p.width, p.height, p.dpi, p.pixelType, p.mediaType]).toEqual([1653, 2338, 200, 'color', 'image/x-portable-anymap']);
    expect(events.filter((e) => e.type.startsWith('scan.')).at(-1)).toMatchObject({ type: 'scan.end', data: { state: 'completed', pagesDone: 10 } });
    expect(tornBlobs(dataDir)).toEqual([]);

    const show = runCli(['dossier', 'show', dossier.id, '--json'], env);
    expect((JSON.parse(show.stdout) as { components: { pageCount: number }[] }).components[0]!.pageCount).toBe(10);
  });

  it('dumps raw pages into a folder with --out', () => {
    const out = tempDir('sohoa-raw-');
    const r = runCli(['scan', '--out', out, '--device', 'test:0', '--profile', 'colour-200-flatbed', '--demo', '--json'], { SOHOA_DATA_DIR: tempDir(), SOHOA_SANE_BACKENDS: '' });
    expect(r.code, r.stderr).toBe(0);
    const events = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { type: string; file: string; width: number });
    const ev = events.find((e) => e.type === 'page')!;
    expect(ev).toMatchObject({ type: 'page', width: 1653 });
    expect(readFileSync(ev.file).subarray(0, 2).toString()).toBe('P6');
  });
});

describe('scan API with the SANE test device', () => {
  it('converts a scanner.js request (colour, 300 dpi, feeder, duplex), reports duplex unsupported and scans', async () => {
    open = await openDemoStation();
    const { client, componentId } = open;
    const request = JSON.parse(readFileSync(FIXTURE, 'utf8')) as Record<string, unknown>;
    const resolved = await client.call('scan.resolveProfile', { profile: request, deviceId: 'sane:test:0' });
    expect(resolved.ok && resolved.value).toMatchObject({ profile: { pixelType: 'color', resolution: 300, source: 'feeder', duplex: true, pageSize: 'A4' }, compliant: true, unsupported: ['duplex'] });
    const events: { type: string; data: Record<string, unknown> }[] = [];
    open.station.events.on('event', (e: { type: string; data: Record<string, unknown> }) => events.push(e));
    const started = await client.call('scan.start', { deviceId: 'sane:test:0', profile: request, componentId });
    expect(started.ok, JSON.stringify(started)).toBe(true);
    if (!started.ok) return;
    expect(started.value.unsupported).toEqual(['duplex']);
    const done = await waitJob(client, started.value.id);
    expect(done.state).toBe('completed');
    expect(seqs(done)).toEqual(range(1, 10));
    for (const p of done.pages) expect([p.width, p.height, p.dpi]).toEqual([2480, 3507, 300]);
    expect(events.find((e) => e.type === 'scan.warning')?.data).toMatchObject({ code: 'UNSUPPORTED', setting: 'duplex' });
    // Events: every page event after its row exists, end last.
    expect(events.filter((e) => e.type === 'scan.page').map((e) => e.data.seq)).toEqual(range(1, 10));
    expect(events.filter((e) => e.type.startsWith('scan.')).at(-1)).toMatchObject({ type: 'scan.end', data: { state: 'completed', reason: 'feeder-empty' } });
  });

  it('answers DEVICE_NOT_FOUND for an unknown device and INVALID_PROFILE for impossible values', async () => {
    open = await openDemoStation();
    const { client, componentId } = open;
    const unknown = await client.call('scan.start', { deviceId: 'sane:nosuch:0', profile: 'colour-200-feeder', componentId });
    expect(!unknown.ok && unknown.error.code).toBe('DEVICE_NOT_FOUND');
    const caps = await client.call('devices.capabilities', { deviceId: 'nosuch:7' });
    expect(!caps.ok && caps.error.code).toBe('DEVICE_NOT_FOUND');
    for (const bad of [{ resolution: 0 }, { resolution: 50_000 }, { pixelType: 'sepia' }]) {
      const r = await client.call('scan.start', { deviceId: 'sane:test:0', profile: { ...lowRes(), ...bad }, componentId });
      expect(!r.ok && r.error.code, JSON.stringify(bad)).toBe('INVALID_PROFILE');
    }
    const notCompliant = await client.call('scan.start', { deviceId: 'sane:test:0', profile: { ...lowRes(), exception: undefined }, componentId });
    expect(!notCompliant.ok && notCompliant.error.code).toBe('PROFILE_NOT_COMPLIANT');
    const badOption = await client.call('scan.start', { deviceId: 'sane:test:0', profile: lowRes({ 'no-such-option': 1 }), componentId });
    expect(!badOption.ok && badOption.error.code).toBe('INVALID_PROFILE');
    const noComponent = await client.call('scan.start', { deviceId: 'sane:test:0', profile: lowRes(), componentId: '01ARZ3NDEKTSV4RRFFQ69G5FAV' });
    expect(!noComponent.ok && noComponent.error.code).toBe('NOT_FOUND');
    const jobs = await client.call('scan.jobs', {});
    expect(jobs.ok && jobs.value).toEqual([]);
  });

  it('cancels mid-batch, keeps the pages already captured and leaves no scanimage behind', async () => {
    open = await openDemoStation();
    const { client, componentId, dataDir } = open;
    const started = await client.call('scan.start', { deviceId: 'sane:test:0', profile: lowRes({ 'read-delay': true, 'read-delay-duration': 60_000 }), componentId });
    if (!started.ok) throw new Error(JSON.stringify(started.error));
    await waitJob(client, started.value.id, (j) => j.pagesDone >= 2);
    const cancelled = await client.call('scan.cancel', { jobId: started.value.id });
    expect(cancelled.ok && cancelled.value.state).toBe('cancelled');
    const j = await getJob(client, started.value.id);
    expect(j.pagesDone).toBeGreaterThanOrEqual(2);
    expect(j.pagesDone).toBeLessThan(10);
    expect(seqs(j)).toEqual(range(1, j.pagesDone));
    expect(scanimagesUnder(dataDir)).toEqual([]);
  });

  it('refuses a second scan on a busy device', async () => {
    open = await openDemoStation();
    const { client, componentId } = open;
    const first = await client.call('scan.start', { deviceId: 'sane:test:0', profile: lowRes({ 'read-delay': true, 'read-delay-duration': 30_000 }), componentId });
    if (!first.ok) throw new Error(JSON.stringify(first.error));
    const second = await client.call('scan.start', { deviceId: 'sane:test:0', profile: lowRes(), componentId });
    expect(!second.ok && second.error.code).toBe('SCAN_IN_PROGRESS');
    await client.call('scan.cancel', { jobId: first.value.id });
  });
});
