/**
 * Graceful shutdown of the station service, in pure terms (tested in tests/unit/electron): ask the service
 * to stop, give it `graceMs` to let a running scan finish writing its page and close the database, then
 * kill it. Asked twice (a second Quit), it does the same one thing.
 */
export interface ShutdownDeps {
  requestStop(): void;
  /** Resolves when the service process has exited. */
  exited: Promise<unknown>;
  kill(): void;
  graceMs: number;
  setTimer?(fn: () => void, ms: number): unknown;
}

export function createShutdown(deps: ShutdownDeps): () => Promise<'clean' | 'forced'> {
  let running: Promise<'clean' | 'forced'> | null = null;
  return () => {
    if (running) return running;
    running = new Promise((resolve) => {
      let done = false;
      const setTimer = deps.setTimer ?? ((fn: () => void, ms: number) => setTimeout(fn, ms));
      void deps.exited.then(() => {
        if (done) return;
        done = true;
        resolve('clean');
      });
      setTimer(() => {
        if (done) return;
        done = true;
        deps.kill();
        resolve('forced');
      }, deps.graceMs);
      deps.requestStop();
    });
    return running;
  };
}

/**
 * In the service: before closing, wait for the scans that are running to deliver the page in flight
 * (a scan.page or scan.end event for each), up to `maxMs`; closing then cancels the rest of the batch.
 */
export interface ScanWatch {
  running(): ReadonlySet<string>;
  onEvent(fn: (type: string, jobId: string) => void): () => void;
}

export function waitForPagesInFlight(watch: ScanWatch, maxMs: number, setTimer: (fn: () => void, ms: number) => unknown = setTimeout): Promise<'idle' | 'page-finished' | 'timeout'> {
  const pending = new Set(watch.running());
  if (pending.size === 0) return Promise.resolve('idle');
  return new Promise((resolve) => {
    let done = false;
    const off = watch.onEvent((type, jobId) => {
      if ((type === 'scan.page' || type === 'scan.end') && pending.delete(jobId) && pending.size === 0 && !done) {
        done = true;
        off();
        resolve('page-finished');
      }
    });
    setTimer(() => {
      if (done) return;
      done = true;
      off();
      resolve('timeout');
    }, maxMs);
  });
}

/** Tracks running scan jobs from the station's events (scan.started … scan.end). */
export function scanTracker(): { running(): ReadonlySet<string>; observe(type: string, data: Record<string, unknown>): void } {
  const jobs = new Set<string>();
  return {
    running: () => jobs,
    observe(type, data) {
      const id = typeof data.jobId === 'string' ? data.jobId : null;
      if (!id) return;
      if (type === 'scan.started') jobs.add(id);
      else if (type === 'scan.end' || type === 'scan.fault') jobs.delete(id);
    },
  };
}
