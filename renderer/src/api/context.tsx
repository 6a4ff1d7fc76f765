import { createContext, useCallback, useContext, useEffect, useRef, useState, type ReactNode } from 'react';
import type { MethodName, ParamsOf, ResultOf, StationEvent } from '../../../electron/common/api';
import { stationApi } from '../../../electron/common/api';
import type { ErrorPayload } from '../../../electron/common/errors';
import type { Result } from '../../../electron/common/result';
import { newIdempotencyKey } from './idempotency';
import type { ConnectionState, StationTransport } from './transport';

interface StationCtx {
  transport: StationTransport;
  state: ConnectionState;
  /** Increases each time the connection comes back: screens reload their data to show the true state. */
  generation: number;
}

const Ctx = createContext<StationCtx | null>(null);

export function StationProvider({ transport, children }: { transport: StationTransport; children: ReactNode }) {
  const [state, setState] = useState<ConnectionState>(transport.state);
  const [generation, setGeneration] = useState(0);
  useEffect(
    () =>
      transport.onState((s) => {
        setState(s);
        if (s === 'online') setGeneration((g) => g + 1);
      }),
    [transport],
  );
  return <Ctx.Provider value={{ transport, state, generation }}>{children}</Ctx.Provider>;
}

export function useStation(): StationCtx {
  const v = useContext(Ctx);
  if (!v) throw new Error('useStation outside StationProvider');
  return v;
}

export function useEvents(fn: (ev: StationEvent) => void): void {
  const { transport } = useStation();
  const ref = useRef(fn);
  ref.current = fn;
  useEffect(() => transport.onEvent((ev) => ref.current(ev)), [transport]);
}

/**
 * Loads a query and reloads it on reconnection or when `deps` change. `data` stays while new params are
 * asked (no flicker as the clerk types); `fresh` says whether it answers the params of this render.
 */
export function useQuery<M extends MethodName>(method: M, params: ParamsOf<M> | null, deps: unknown[] = []) {
  const { transport, generation } = useStation();
  const [data, setData] = useState<ResultOf<M> | null>(null);
  const [dataKey, setDataKey] = useState<string | null>(null);
  const [error, setError] = useState<ErrorPayload | null>(null);
  const [tick, setTick] = useState(0);
  const key = JSON.stringify(params);
  useEffect(() => {
    if (params === null) return;
    let live = true;
    void transport.call(method, params).then((r) => {
      if (!live) return;
      if (r.ok) {
        setData(r.value);
        setDataKey(key);
        setError(null);
      } else setError(r.error);
    });
    return () => {
      live = false;
    };
  }, [transport, method, key, generation, tick, ...deps]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { data, fresh: data !== null && dataKey === key, error, reload, setData };
}

const RETRY_FOR_MS = 60_000;

/**
 * Runs one user action that changes something: the idempotency key is minted once per action and kept
 * across retries, so a call whose answer was lost when the service dropped is retried safely (the
 * service answers the first result again). While an action runs, a second press is ignored — a double
 * press on Sign or Finish does one thing.
 */
export function useAction() {
  const { transport } = useStation();
  const running = useRef(new Set<string>());
  const [busy, setBusy] = useState<string | null>(null);
  const run = useCallback(
    async <M extends MethodName>(method: M, params: ParamsOf<M>, label: string = method): Promise<Result<ResultOf<M>> | null> => {
      if (running.current.has(label)) return null;
      running.current.add(label);
      setBusy(label);
      // Mutating methods carry one key per user action; queries take none (their schemas are strict).
      const withKey = (stationApi[method].mutating ? { ...(params as object), idempotencyKey: newIdempotencyKey() } : params) as ParamsOf<M>;
      const deadline = Date.now() + RETRY_FOR_MS;
      try {
        for (;;) {
          const r = await transport.call(method, withKey);
          if (r.ok || r.error.code !== 'SERVICE_UNREACHABLE' || Date.now() > deadline) return r;
          await new Promise((res) => setTimeout(res, 500));
        }
      } finally {
        running.current.delete(label);
        setBusy((b) => (b === label ? null : b));
      }
    },
    [transport],
  );
  return { run, busy };
}

