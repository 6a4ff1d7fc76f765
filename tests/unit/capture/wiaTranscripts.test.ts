import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { scanProfileSchema } from '../../../electron/common/capture';
import { parsePnmHeader } from '../../../native-bridge/pnm';
import type { ScanRunEvent } from '../../../native-bridge/types';
import { WiaDriver } from '../../../native-bridge/windows/wia/driver';
import { WIA_PROPERTY } from '../../../native-bridge/windows/wia/properties';
import { loadTranscript, replay } from '../../fixtures/wia/replay';
import { tempDir } from '../../helpers/tmp';

/**
 * Transcript / test double: Windows WIA cannot run here (Wine's WIA is a stub). Each recorded helper
 * transcript is played through the real WiaDriver: JSON-lines parsing, the WIA state machine, the status and
 * HRESULT mapping, BMP → PNM conversion and the spool page checks.
 */
async function runTranscript(name: string) {
  const t = loadTranscript(name);
  const r = replay(t);
  const driver = new WiaDriver({ command: { cmd: 'powershell.exe', args: ['-File', 'wia.ps1'] }, launch: r.launch });
  const spoolDir = tempDir('sohoa-wia-');
  const profile = scanProfileSchema.parse(t.profile);
  const run = driver.scan(`wia:${t.device}`, profile, { spoolDir, firstSeq: 1, watchdogMs: 30_000, midBatch: false });
  const events: ScanRunEvent[] = [];
  run.on((ev) => {
    events.push(ev);
  });
  const end = await run.done;
  const request = JSON.parse(r.stdin[0]!) as Record<string, unknown>;
  const pages = events.flatMap((e) => (e.type === 'page' ? [e.page] : []));
  return { t, r, end, request, pages, events };
}

describe('WIA driver replaying transcripts (transcript / test double: Windows WIA cannot run here)', () => {
  for (const name of ['adf-simplex', 'adf-duplex', 'flatbed', 'jam', 'empty-feeder']) {
    it(`${name}: ends as recorded, with the pages in order`, async () => {
      const { t, end, request, pages } = await runTranscript(name);
      const x = t.expect as { reason: string; seqs: number[]; pixelType: string; requestDataType: number; fault?: Record<string, unknown> };
      expect(end.reason, JSON.stringify(end.fault)).toBe(x.reason);
      expect(pages.map((p) => p.seq)).toEqual(x.seqs);
      expect(request).toMatchObject({ op: 'scan', device: t.device, dataType: x.requestDataType, source: t.profile.source });
      if (x.fault) expect(end.fault).toMatchObject(x.fault);
      else expect(end.fault).toBeUndefined();
      for (const p of pages) {
        const pnm = readFileSync(p.file);
        const h = parsePnmHeader(pnm)!;
        expect(p.pixelType).toBe(x.pixelType);
        expect([h.width, h.height]).toEqual([64, 90]);
        // The page's own content (its index), read back after BMP → PNM: no page was swapped or dropped.
        const first = pnm.subarray(h.headerBytes, h.headerBytes + 3);
        if (h.magic === 'P6') expect([...first]).toEqual([p.seq * 10, 255 - p.seq, 7]);
        else expect(first[0]).toBe(p.seq * 20);
      }
    });
  }

  it('adf-duplex: selects FEEDER|DUPLEX and takes the signed Int32 PAPER_EMPTY as the end of the load', async () => {
    const { t, end, request } = await runTranscript('adf-duplex');
    expect(request.duplex).toBe(true);
    const select = t.lines.find((l) => l.id === WIA_PROPERTY.WIA_DPS_DOCUMENT_HANDLING_SELECT);
    expect(select?.value).toBe(0x5);
    expect(end).toMatchObject({ reason: 'feeder-empty', pages: 4 });
  });

  it('jam: reports WIA_ERROR_PAPER_JAM with its HRESULT and keeps the two pages before it', async () => {
    const { end, pages } = await runTranscript('jam');
    expect(end.fault?.details).toMatchObject({ hresult: '0x80210002', name: 'WIA_ERROR_PAPER_JAM' });
    expect(pages).toHaveLength(2);
  });

  it('empty-feeder: stops at WIA_DPS_DOCUMENT_HANDLING_STATUS without FEED_READY and tells the helper to cancel', async () => {
    const { end, r } = await runTranscript('empty-feeder');
    expect(end.fault?.details).toMatchObject({ status: '0x2' });
    expect(r.stdin.slice(1).map((l) => JSON.parse(l) as { op: string })).toContainEqual({ op: 'cancel' });
    // The transcript went on to a transfer; the driver never got that far.
    expect(r.played).toBeLessThan(loadTranscript('empty-feeder').lines.length);
  });
});
