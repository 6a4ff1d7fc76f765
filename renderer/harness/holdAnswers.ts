// Browser harness for tests/e2e/counterDrafts.test.ts (not part of the UI build): makes certain an order of
// answers that a loaded machine produces only now and then. Answers to the chosen StationApi methods are held
// and handed over in the microtasks of the commit that shows the intake start screen again (after "Hồ sơ mới"
// or "Bỏ hồ sơ"), before React runs its passive effects — an answer about the dossier just left, arriving
// late. The station's answers are the real ones; only the moment the page receives them is chosen.

interface Held {
  /** Answers held so far, and how many were waiting when the start screen showed. */
  held: number;
  heldAtRelease: number;
  delivered: number;
}

type HarnessWindow = Window & { harness: { holdAnswers(methods: string[], gate?: string): void; held: Held } };
const w = window as unknown as HarnessWindow;

const START_SCREEN = '[data-testid=screen-intake] [data-testid=procedure-search]';

/** A Response whose body is already read: json() settles in a microtask, so the handover stays in that commit. */
async function readAnswer(res: Response): Promise<Response> {
  const body: unknown = await res.json();
  return { ok: res.ok, status: res.status, json: async () => body } as Response;
}

function methodOf(input: RequestInfo | URL): string {
  const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
  return new URL(url, location.href).pathname.replace(/^.*\/api\//, '');
}

/**
 * From now on the answers to `methods` are held until the intake start screen shows. The answer to `gate`
 * (if given) is held until one of them is: both are then on their way, and the gate's answer comes first.
 */
function holdAnswers(methods: string[], gate?: string): void {
  const realFetch = window.fetch.bind(window);
  const held: Held = { held: 0, heldAtRelease: 0, delivered: 0 };
  w.harness.held = held;
  const waiting: (() => void)[] = [];
  let released = false;
  let firstHeld: () => void = () => undefined;
  const oneHeld = new Promise<void>((r) => (firstHeld = r));
  window.fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const method = methodOf(input);
    if (released || (method !== gate && !methods.includes(method))) return realFetch(input, init);
    const answer = await readAnswer(await realFetch(input, init));
    if (method === gate) {
      await oneHeld;
      return answer;
    }
    held.held++;
    firstHeld();
    await new Promise<void>((r) => waiting.push(r));
    held.delivered++;
    return answer;
  };
  new MutationObserver((_, obs) => {
    if (!document.querySelector(START_SCREEN)) return;
    obs.disconnect();
    released = true;
    window.fetch = realFetch;
    held.heldAtRelease = waiting.length;
    for (const go of waiting.splice(0)) go();
  }).observe(document, { subtree: true, childList: true });
}

w.harness = { holdAnswers, held: { held: 0, heldAtRelease: 0, delivered: 0 } };
