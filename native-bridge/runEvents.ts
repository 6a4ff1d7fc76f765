import { StationError } from '../electron/common/errors';
import type { ScanRunEvent } from './types';

type EndEvent = Extract<ScanRunEvent, { type: 'end' }>;

/**
 * The event side of a ScanRun, shared by every driver: listeners are called in order, one event at a time
 * (a page is stored before the next event is handed on), and a listener that throws (disk full while
 * storing a page…) stops the load — `onListenerError` cancels it and the final `end` reports that failure.
 */
export class RunEvents {
  private readonly listeners: ((ev: ScanRunEvent) => void | Promise<void>)[] = [];
  private chain: Promise<void> = Promise.resolve();
  private listenerError: unknown = null;

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

  /** Emits the last event once every earlier one has settled; a listener's failure becomes the fault. */
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
