import { afterEach, describe, expect, it } from 'vitest';
import type { ScanEventData } from '../../../electron/common/capture';
import { scanEventSchemas } from '../../../electron/common/capture';
import type { StationEvent } from '../../../electron/common/api';
import type { CaptureService } from '../../../electron/core/capture/service';
import { createStationServices } from '../../../electron/core/service/stationServices';
import type { Station } from '../../../electron/core/station/station';
import { listReviewPages } from '../../../electron/core/store/reviewPages';
import { lowRes, openDemoStation, waitJob, type DemoStation } from './harness';

let demo: DemoStation | undefined;
afterEach(async () => {
  await demo?.close();
  demo = undefined;
});

/** Collects the station's events until the predicate holds (state, not time: 60 s on a busy machine). */
function collect(station: DemoStation['station']): { events: StationEvent[]; until(pred: (e: StationEvent[]) => boolean): Promise<void> } {
  const events: StationEvent[] = [];
  station.events.on('event', (e: StationEvent) => events.push(e));
  return {
    events,
    until: async (pred) => {
      const deadline = Date.now() + 60_000;
      while (!pred(events)) {
        if (Date.now() > deadline) throw new Error(`timed out; events: ${events.map((e) => e.type).join(',')}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
  };
}

describe('the analyse step at ingest (before any assembly)', () => {
  it('flags a white sheet as blank and keeps a patterned one, storing the result on the page row and sending page.analysed', async () => {
    demo = await openDemoStation();
    const { station, client, componentId } = demo;
    const seen = collect(station);
    const profile = (picture: string) => ({ ...lowRes({ 'test-picture': picture }), source: 'flatbed' as const, resolution: 100 });
    for (const picture of ['Color pattern', 'Solid white']) {
      const r = await client.call('scan.start', { deviceId: 'sane:test:0', profile: profile(picture), componentId });
      expect(r.ok, JSON.stringify(r)).toBe(true);
      if (r.ok) await waitJob(client, r.value.id);
    }
    await seen.until((e) => e.filter((x) => x.type === 'page.analysed').length === 2);
    const analysed = seen.events.filter((e) => e.type === 'page.analysed').map((e) => e.data as ScanEventData<'page.analysed'>);
    for (const a of analysed) expect(scanEventSchemas['page.analysed'].safeParse(a).success, JSON.stringify(a)).toBe(true);
    // Each page.analysed follows its own scan.page.
    for (const a of analysed) {
      const pageAt = seen.events.findIndex((e) => e.type === 'scan.page' && e.data.id === a.pageId);
      const analysedAt = seen.events.findIndex((e) => e.type === 'page.analysed' && e.data.pageId === a.pageId);
      expect(pageAt).toBeGreaterThanOrEqual(0);
      expect(analysedAt).toBeGreaterThan(pageAt);
    }
    expect(analysed.map((a) => a.blankFlag)).toEqual(['none', 'flagged']);
    const pages = listReviewPages(station.store, componentId);
    expect(pages.map((p) => ({ analysed: p.analysed, blankFlag: p.blankFlag }))).toEqual([
      { analysed: true, blankFlag: 'none' },
      { analysed: true, blankFlag: 'flagged' },
    ]);
    // No document was made: the flags come from ingest, not from assembly.
    const docs = await client.call('dossiers.get', { id: demo.dossierId });
    expect(docs.ok && docs.value.components[0]!.digitised).toBe(false);
  });

  it('keeps a clerk decision taken before the analysis reaches the page', async () => {
    demo = await openDemoStation();
    const { station, client, componentId } = demo;
    const capture = captureOf(station);
    const r = await client.call('scan.start', { deviceId: 'sane:test:0', profile: { ...lowRes({ 'test-picture': 'Solid white' }), source: 'flatbed' as const, resolution: 100 }, componentId });
    expect(r.ok).toBe(true);
    if (r.ok) await waitJob(client, r.value.id);
    await capture.analyse.idle();
    const [page] = listReviewPages(station.store, componentId);
    expect(page?.blankFlag).toBe('flagged');
    const keep = await client.call('pages.setBlank', { pageId: page!.id, decision: 'keep' });
    expect(keep.ok).toBe(true);
    // A second analysis of the same page (e.g. a recovery) is skipped: the page is already analysed.
    capture.analyse.enqueue({ id: page!.id, jobId: page!.jobId!, componentId, seq: page!.seq, position: 0, sha256: '', mediaType: '', size: 0, width: 1, height: 1, dpi: 100, pixelType: 'color', createdAt: page!.createdAt });
    await capture.analyse.idle();
    expect(listReviewPages(station.store, componentId)[0]?.blankFlag).toBe('confirmed_keep');
  });

  it('does not flag a white sheet scanned with a profile that keeps blank pages', async () => {
    demo = await openDemoStation();
    const { station, client, componentId } = demo;
    const r = await client.call('scan.start', { deviceId: 'sane:test:0', profile: { ...lowRes({ 'test-picture': 'Solid white' }), source: 'flatbed' as const, resolution: 100, blankPages: 'keep' as const }, componentId });
    expect(r.ok).toBe(true);
    if (r.ok) await waitJob(client, r.value.id);
    await captureOf(station).analyse.idle();
    const [page] = listReviewPages(station.store, componentId);
    expect(page?.analysed).toBe(true);
    expect(page?.blankScore).toBeGreaterThan(0.5);
    expect(page?.blankFlag).toBe('none');
  });
});

/** The station's capture service, built once by the composition root as the service does. */
const captures = new Map<Station, CaptureService>();
function captureOf(station: Station): CaptureService {
  let c = captures.get(station);
  if (!c) {
    c = createStationServices(station).capture;
    captures.set(station, c);
  }
  return c;
}
