import { createContext, useContext, useEffect, useRef, useState, type ReactNode } from 'react';
import type { ResultOf } from '../../../electron/common/api';
import type { ErrorPayload } from '../../../electron/common/errors';
import { useStation } from '../api/context';

export type ReuseLookup = ResultOf<'dossiers.reuseCandidates'>;
type RemotePart = { candidates: ReuseLookup['candidates']; remote: ReuseLookup['remote'] };

interface Cache {
  /** The province's answer per (component, receipt codes): asked once while the dossier is on screen. */
  remote: Map<string, RemotePart>;
  /**
   * The receipt codes the clerk typed: a receipt is the citizen's, not one component's, so every component's box of
   * this dossier asks with them (each once: the cache key includes the component).
   */
  codes: string[];
}

const Ctx = createContext<Cache | null>(null);

/**
 * Holds the reuse look-ups of one dossier screen. Each component's "earlier documents" box mounts again when
 * the clerk switches components; without this every switch would ask the province's system again (one
 * TraCuuHoSo per code, slow and counted by the province).
 */
export function ReuseLookupCache({ children }: { children: ReactNode }) {
  const cache = useRef<Cache>({ remote: new Map(), codes: [] });
  return <Ctx.Provider value={cache.current}>{children}</Ctx.Provider>;
}

function useCache(): Cache {
  const v = useContext(Ctx);
  if (!v) throw new Error('useReuseLookup outside ReuseLookupCache');
  return v;
}

/** The receipt codes typed on this dossier's screen (one box is mounted at a time: the current component's). */
export function useReceiptCodes(): [string[], (codes: string[]) => void] {
  const cache = useCache();
  const [codes, setCodes] = useState<string[]>(() => cache.codes);
  const set = (next: string[]) => {
    cache.codes = next;
    setCodes(next);
  };
  return [codes, set];
}

/**
 * dossiers.reuseCandidates for COMPONENTID and the receipt CODES. The first time for a (component, codes) pair it
 * asks this station and the province; afterwards this station only (remote: false — local copies may come and go),
 * with the province's part from the cache. A failed province look-up is not cached: the next mount asks again.
 */
export function useReuseLookup(componentId: string, codes: readonly string[]): { data: ReuseLookup | null; error: ErrorPayload | null; looking: boolean } {
  const { transport, generation } = useStation();
  const cache = useCache();
  const [answer, setAnswer] = useState<{ key: string; value: ReuseLookup } | null>(null);
  const [error, setError] = useState<ErrorPayload | null>(null);
  const key = `${componentId}|${[...codes].sort().join(',')}`;
  useEffect(() => {
    let live = true;
    setError(null);
    const cached = cache.remote.get(key);
    const params = cached ? { componentId, remote: false } : { componentId, ...(codes.length > 0 ? { dossierCodes: [...codes] } : {}) };
    void transport.call('dossiers.reuseCandidates', params).then((r) => {
      if (!live) return;
      if (!r.ok) {
        setError(r.error);
        return;
      }
      if (cached) {
        setAnswer({ key, value: withRemote(r.value.candidates, cached) });
        return;
      }
      if (r.value.remote.status !== 'failed') cache.remote.set(key, { candidates: r.value.candidates.filter((c) => c.source === 'remote'), remote: r.value.remote });
      setAnswer({ key, value: r.value });
    });
    return () => {
      live = false;
    };
  }, [transport, key, generation]);
  // The previous answer stays on screen while new codes are looked up; LOOKING says the province is being asked.
  return { data: answer?.value ?? null, error, looking: error === null && answer?.key !== key };
}

/** This station's candidates with the cached remote ones; the local copy wins for the same bytes (as the service does). */
function withRemote(local: ReuseLookup['candidates'], cached: RemotePart): ReuseLookup {
  const here = new Set(local.map((c) => c.sha256));
  return { candidates: [...local, ...cached.candidates.filter((c) => !here.has(c.sha256))], remote: cached.remote };
}
