// Browser harness for the e2e tests (not part of the UI build): makes certain an order of answers that a
// loaded machine produces only now and then. Answers to the chosen StationApi methods are held, then handed
// over together: when an element appears (in the microtasks of the commit that shows it, before React runs
// its passive effects), or when the test says so. The station's answers are the real ones; only the moment
// the page receives them is chosen. It also records each order of the page strip the clerk is shown.

interface Held {
  /** Answers held so far, how many were waiting when they were let go, and how many were handed over. */
  held: number;
  heldAtRelease: number;
  delivered: number;
  /** Answers the page received after the held ones were let go, by method (passed through at once). */
  afterRelease: Record<string, number>;
  /** What happened when (ms since the hold began), for a failing test's message. */
  log: string[];
}

interface HoldOptions {
  /** Held until one of the held methods' answers is held too: both on their way, this one handed over first. */
  gate?: string;
  /** Let go when an element matching this selector appears; without it, when release() is called. */
  until?: string;
}

interface Harness {
  holdAnswers(methods: string[], opts?: HoldOptions): void;
  release(): void;
  held: Held;
  watchStrip(): void;
  /** Each order of the intake strip's pages (ids) shown since watchStrip(), consecutive repeats left out. */
  orders: string[][];
}

const w = window as unknown as Window & { harness: Harness };

/** A Response whose body is already read: json() settles in a microtask, so the handover stays in that task. */
async function readAnswer(res: Response): Promise<Response> {
  const body: unknown = await res.json();
  return { ok: res.ok, status: res.status, json: async () => body } as Response;
}

function methodOf(input: RequestInfo | URL): string {
  const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
  return new URL(url, location.href).pathname.replace(/^.*\/api\//, '');
}

const realFetch = window.fetch.bind(window);

function holdAnswers(methods: string[], opts: HoldOptions = {}): void {
  const held: Held = { held: 0, heldAtRelease: 0, delivered: 0, afterRelease: {}, log: [] };
  const t0 = performance.now();
  const note = (what: string) => held.log.push(`${Math.round(performance.now() - t0)} ${what}`);
  w.harness.held = held;
  const waiting: (() => void)[] = [];
  let released = false;
  let firstHeld: () => void = () => undefined;
  const oneHeld = new Promise<void>((r) => (firstHeld = r));
  const release = () => {
    if (released) return;
    released = true;
    note(`release (${waiting.length} waiting)`);
    held.heldAtRelease = waiting.length;
    for (const go of waiting.splice(0)) go();
  };
  w.harness.release = release;
  window.fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const method = methodOf(input);
    if (released) {
      const res = await realFetch(input, init);
      held.afterRelease[method] = (held.afterRelease[method] ?? 0) + 1;
      return res;
    }
    if (method !== opts.gate && !methods.includes(method)) return realFetch(input, init);
    note(`asked ${method}`);
    const answer = await readAnswer(await realFetch(input, init));
    note(`answered ${method}`);
    if (method === opts.gate) {
      await oneHeld;
      note(`handed over ${method}`);
      return answer;
    }
    held.held++;
    firstHeld();
    await new Promise<void>((r) => waiting.push(r));
    held.delivered++;
    return answer;
  };
  const until = opts.until;
  if (until === undefined) return;
  new MutationObserver((_, obs) => {
    if (!document.querySelector(until)) return;
    note(`${until} shown`);
    obs.disconnect();
    release();
  }).observe(document, { subtree: true, childList: true });
}

function watchStrip(): void {
  const orders: string[][] = [];
  w.harness.orders = orders;
  const record = () => {
    const ids = Array.from(document.querySelectorAll('[data-testid=screen-intake] [data-testid=page]'), (e) => e.getAttribute('data-page-id') ?? '');
    if (orders.at(-1)?.join() !== ids.join()) orders.push(ids);
  };
  record();
  new MutationObserver(record).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-page-id'] });
}

w.harness = { holdAnswers, release: () => undefined, held: { held: 0, heldAtRelease: 0, delivered: 0, afterRelease: {}, log: [] }, watchStrip, orders: [] };
