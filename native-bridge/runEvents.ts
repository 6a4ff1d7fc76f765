import { mkdirSync } from 'node:fs';
import { StationError } from '../electron/common/errors';
import type { ScanRun, ScanRunEvent } from './types';

type EndEvent = Extract<ScanRunEvent, { type: 'end' }>;

/**
 * The event side of a ScanRun, shared by the drivers: listeners are called in order, one event at a time (a
 * page is durable before the next event); a listener that throws (disk full…) stops the load through
 * `onListenerError`, and the final `end` then reports that error as the fault.
 */
export class RunEvents {
  private readonly listeners: ((ev: ScanRunEvent) => void | Promise<void>)[] = [];
  private chain: Promise<void> = Promise.resolve();
  listenerError: unknown = null;

  constructor(private readonly onListenerError: () => void) {}

  on(listener: (ev: ScanRunEvent) => void | Promise<void>): void {
    this.listeners.push(listener);
  }

  /** Whether a listener failed (the load must stop). */
  get failed(): boolean {
    return this.listenerError !== null;
  }

  emit(ev: ScanRunEvent): void {
    this.chain = this.chain.then(async () => {
      for (const l of this.listeners) {
        try {
          await l(ev);
        } catch (err) {
          if (this.listenerError === null) this.listenerError = err;
          this.onListenerError();
        }
      }
    });
  }

  /** Waits until every event so far has been handled. */
  settled(): Promise<void> {
    return this.chain;
  }

  /** Emits the final `end` (a listener's error replaces it) once everything before it settled. */
  async finish(end: EndEvent): Promise<EndEvent> {
    await this.chain;
    let final = end;
    if (this.listenerError !== null) {
      const e = this.listenerError;
      const code = e instanceof StationError ? e.code : 'INTERNAL';
      final = { type: 'end', reason: 'fault', pages: end.pages, fault: { code, message: (e as Error).message ?? String(e), seq: null, continuable: true } };
    }
    this.emit(final);
    await this.chain;
    return final;
  }
}

/**
 * What every driver's ScanRun shares: the spool folder made, the load started on the next tick (so the caller
 * attaches listeners first), listeners, and a cancel that runs once (`stop` is the driver's way to stop).
 */
export abstract class DriverScanRun implements ScanRun {
  protected readonly events = new RunEvents(() => this.cancel());
  protected cancelled = false;
  readonly done: Promise<EndEvent>;

  constructor(spoolDir: string) {
    mkdirSync(spoolDir, { recursive: true, mode: 0o700 });
    this.done = new Promise((resolve) => setImmediate(resolve)).then(() => this.loop());
  }

  on(listener: (ev: ScanRunEvent) => void | Promise<void>): void {
    this.events.on(listener);
  }

  cancel(): void {
    if (this.cancelled) return;
    this.cancelled = true;
    this.stop();
  }

  protected abstract loop(): Promise<EndEvent>;
  protected abstract stop(): void;
}
