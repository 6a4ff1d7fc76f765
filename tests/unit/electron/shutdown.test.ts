import { describe, expect, it } from 'vitest';
import { parseToService } from '../../../electron/main/protocol';
import { createShutdown, scanTracker, waitForPagesInFlight } from '../../../electron/main/shutdown';

/** The Electron binary cannot run here: these test the shell's pure parts with a fake service (a test double). */
describe('graceful shutdown of the station service (fake service process: test double for utilityProcess)', () => {
  it('asks the service to stop and reports a clean exit when it exits within the grace period', async () => {
    const calls: string[] = [];
    let exit!: () => void;
    const stop = createShutdown({
      requestStop: () => calls.push('stop'),
      exited: new Promise<void>((r) => (exit = r)),
      kill: () => calls.push('kill'),
      graceMs: 1000,
      setTimer: () => undefined,
    });
    const p = stop();
    exit();
    await expect(p).resolves.toBe('clean');
    expect(calls).toEqual(['stop']);
  });

  it('kills the service when it does not exit within the grace period', async () => {
    const calls: string[] = [];
    let fire!: () => void;
    const stop = createShutdown({
      requestStop: () => calls.push('stop'),
      exited: new Promise<void>(() => undefined),
      kill: () => calls.push('kill'),
      graceMs: 1000,
      setTimer: (fn) => (fire = fn),
    });
    const p = stop();
    fire();
    await expect(p).resolves.toBe('forced');
    expect(calls).toEqual(['stop', 'kill']);
  });

  it('does one thing when Quit is pressed twice', async () => {
    let stops = 0;
    let exit!: () => void;
    const stop = createShutdown({ requestStop: () => stops++, exited: new Promise<void>((r) => (exit = r)), kill: () => undefined, graceMs: 1000, setTimer: () => undefined });
    const a = stop();
    const b = stop();
    exit();
    expect(await a).toBe('clean');
    expect(a).toBe(b);
    expect(stops).toBe(1);
  });

  it('waits for the page in flight of a running scan before closing', async () => {
    const tracker = scanTracker();
    tracker.observe('scan.started', { jobId: 'J1' });
    const listeners = new Set<(t: string, j: string) => void>();
    const watch = { running: () => tracker.running(), onEvent: (fn: (t: string, j: string) => void) => (listeners.add(fn), () => listeners.delete(fn)) };
    let settled: string | null = null;
    const p = waitForPagesInFlight(watch, 30_000, () => undefined).then((r) => (settled = r));
    for (const fn of listeners) fn('scan.progress', 'J1');
    await Promise.resolve();
    expect(settled).toBeNull();
    for (const fn of [...listeners]) fn('scan.page', 'J1');
    await p;
    expect(settled).toBe('page-finished');
    expect(listeners.size).toBe(0);
  });

  it('closes at once when no scan runs, and gives up waiting after the limit', async () => {
    const tracker = scanTracker();
    tracker.observe('scan.started', { jobId: 'J1' });
    tracker.observe('scan.end', { jobId: 'J1' });
    const never = { running: () => tracker.running(), onEvent: () => () => undefined };
    await expect(waitForPagesInFlight(never, 1000, () => undefined)).resolves.toBe('idle');
    tracker.observe('scan.started', { jobId: 'J2' });
    let fire!: () => void;
    const p = waitForPagesInFlight(never, 1000, (fn) => (fire = fn));
    fire();
    await expect(p).resolves.toBe('timeout');
  });

  it('the service accepts only well-formed messages from main', () => {
    expect(parseToService({ kind: 'call', id: 1, method: 'station.info', params: {} })).toEqual({ kind: 'call', id: 1, method: 'station.info', params: {}, session: null });
    // The clerk's session travels with the call (the service resolves it); an oversized one is dropped.
    expect(parseToService({ kind: 'call', id: 1, method: 'station.info', params: {}, session: 'S1' })).toMatchObject({ session: 'S1' });
    expect(parseToService({ kind: 'call', id: 1, method: 'station.info', params: {}, session: 'x'.repeat(201) })).toMatchObject({ session: null });
    expect(parseToService({ kind: 'image', id: 2, pageId: 'X', width: 200 })).toMatchObject({ kind: 'image' });
    expect(parseToService({ kind: 'shutdown' })).toEqual({ kind: 'shutdown' });
    for (const bad of [null, 'x', { kind: 'call', id: 1.5, method: 'a' }, { kind: 'call', id: 1, method: 5 }, { kind: 'eval', id: 1 }, { kind: 'call', id: 1, method: 'x'.repeat(101) }])
      expect(parseToService(bad)).toBeNull();
  });
});
