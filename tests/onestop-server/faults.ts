// Fault injection of the reference one-stop server: which faults exist, where each applies, and a seeded decision
// stream so that a run can be repeated with its printed seed (same requests in the same order → same faults).

import { mulberry32 } from '../helpers/random';

export { mulberry32 };

export const FAULT_KINDS = [
  'drop-upload',
  'delay',
  '500',
  '503',
  '429',
  'expire-token',
  'truncated',
  'malformed',
  'duplicate',
  'commit-lost',
  'orphan',
  'error-code',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export function isFaultKind(s: string): s is FaultKind {
  return (FAULT_KINDS as readonly string[]).includes(s);
}

/** Rates used by `--random-faults` (every kind on). */
export const RANDOM_FAULT_RATES: Record<FaultKind, number> = {
  'drop-upload': 0.15,
  delay: 0.05,
  '500': 0.03,
  '503': 0.03,
  '429': 0.03,
  'expire-token': 0.03,
  truncated: 0.03,
  malformed: 0.03,
  duplicate: 0.05,
  'commit-lost': 0.1,
  orphan: 0.1,
  'error-code': 0.05,
};

/** The kinds each server mode can fire (dvc-bo/dvcqg have no tus; only dvcqg answers 200 + error_code). */
export const MODE_FAULT_KINDS: Record<'sohoa-v1' | 'dvc-bo' | 'dvcqg', readonly FaultKind[]> = {
  'sohoa-v1': FAULT_KINDS.filter((k) => k !== 'error-code'),
  'dvc-bo': FAULT_KINDS.filter((k) => k !== 'error-code' && k !== 'drop-upload'),
  dvcqg: FAULT_KINDS.filter((k) => k !== 'drop-upload'),
};

/** PARAM defaults: delay in ms, Retry-After in seconds. */
export const DEFAULT_FAULT_PARAMS: Partial<Record<FaultKind, number>> = { delay: 400, '429': 1 };

export interface FaultRule {
  p: number;
  param?: number;
}
export type FaultConfig = Partial<Record<FaultKind, number | FaultRule>>;

/** What the router knows about a request when faults are decided. */
export interface RequestClass {
  route: Route;
  /** A valid bearer token was presented. */
  bearer: boolean;
  /** tus PATCH whose body would complete the upload. */
  completesUpload?: boolean;
  /** tus PATCH body length (Content-Length), 0 if unknown. */
  bodyLength?: number;
  /** The mode answers failures as HTTP 200 with a failing `error_code` (dvcqg). */
  bodyCodes?: boolean;
}

export type Route =
  | 'enrol'
  | 'token'
  | 'by-hash'
  | 'multipart'
  | 'download'
  | 'lookup'
  | 'dossier'
  | 'commit'
  | 'next-code'
  | 'file-put'
  | 'tus-create'
  | 'tus-head'
  | 'tus-patch'
  | 'tus-other';

const JSON_ROUTES: ReadonlySet<Route> = new Set(['enrol', 'token', 'by-hash', 'multipart', 'lookup', 'dossier', 'commit', 'next-code']);

/** Where each kind can take effect (the table in docs/sync-protocol.md §5). */
export function applies(kind: FaultKind, rc: RequestClass): boolean {
  switch (kind) {
    case 'drop-upload':
      return rc.route === 'tus-patch' && (rc.bodyLength ?? 0) >= 2;
    case 'delay':
    case '500':
    case '503':
    case '429':
      return true;
    case 'expire-token':
      return rc.bearer;
    case 'truncated':
    case 'malformed':
    case 'duplicate':
      return JSON_ROUTES.has(rc.route);
    case 'commit-lost':
      return rc.route === 'commit';
    case 'orphan':
      return (rc.route === 'tus-patch' && rc.completesUpload === true) || rc.route === 'multipart' || rc.route === 'file-put';
    case 'error-code':
      return rc.bodyCodes === true && (rc.route === 'lookup' || rc.route === 'commit');
  }
}


export interface FaultDecision {
  kind: FaultKind;
  param: number | undefined;
}

export class FaultEngine {
  private rules = new Map<FaultKind, FaultRule>();
  private queued = new Map<FaultKind, number>();
  private rng: () => number;
  readonly hits: Record<FaultKind, number> = Object.fromEntries(FAULT_KINDS.map((k) => [k, 0])) as Record<FaultKind, number>;
  seed: number;

  constructor(seed: number) {
    this.seed = seed >>> 0;
    this.rng = mulberry32(this.seed);
  }

  /** Replaces the rates. `random` turns every kind on at RANDOM_FAULT_RATES first; explicit entries override. */
  configure(config: FaultConfig, opts: { random?: boolean; seed?: number } = {}): void {
    if (opts.seed !== undefined) {
      this.seed = opts.seed >>> 0;
      this.rng = mulberry32(this.seed);
    }
    this.rules.clear();
    if (opts.random) for (const k of FAULT_KINDS) this.rules.set(k, { p: RANDOM_FAULT_RATES[k] });
    for (const [k, v] of Object.entries(config)) {
      if (!isFaultKind(k)) throw new Error(`unknown fault kind ${k}`);
      const rule = typeof v === 'number' ? { p: v } : v;
      if (!rule || !(rule.p >= 0 && rule.p <= 1)) throw new Error(`fault ${k}: probability must be within 0..1`);
      this.rules.set(k, rule);
    }
  }

  /** Makes KIND fire on the next COUNT requests it applies to (deterministic tests). */
  queue(kind: FaultKind, count = 1): void {
    this.queued.set(kind, (this.queued.get(kind) ?? 0) + count);
  }

  rates(): Partial<Record<FaultKind, FaultRule>> {
    return Object.fromEntries(this.rules);
  }

  /** At most one fault per request: queued kinds first, then one PRNG draw per applicable kind with a rate. */
  decide(rc: RequestClass): FaultDecision | null {
    for (const kind of FAULT_KINDS) {
      const n = this.queued.get(kind) ?? 0;
      if (n > 0 && applies(kind, rc)) {
        this.queued.set(kind, n - 1);
        return { kind, param: this.rules.get(kind)?.param ?? DEFAULT_FAULT_PARAMS[kind] };
      }
    }
    let chosen: FaultDecision | null = null;
    for (const kind of FAULT_KINDS) {
      const rule = this.rules.get(kind);
      if (!rule || rule.p <= 0 || !applies(kind, rc)) continue;
      const r = this.rng();
      if (!chosen && r < rule.p) chosen = { kind, param: rule.param ?? DEFAULT_FAULT_PARAMS[kind] };
    }
    return chosen;
  }

  /** Called where the fault actually took effect. */
  hit(kind: FaultKind): void {
    this.hits[kind] += 1;
  }
}

/** Parses `KIND:P[:PARAM]` (CLI `--fault`). */
export function parseFaultArg(arg: string): [FaultKind, FaultRule] {
  const [kind, p, param] = arg.split(':');
  if (!kind || !isFaultKind(kind)) throw new Error(`--fault ${arg}: unknown kind (one of ${FAULT_KINDS.join(', ')})`);
  const prob = p === undefined || p === '' ? 1 : Number(p);
  if (!Number.isFinite(prob) || prob < 0 || prob > 1) throw new Error(`--fault ${arg}: probability must be within 0..1`);
  const rule: FaultRule = { p: prob };
  if (param !== undefined) {
    const n = Number(param);
    if (!Number.isFinite(n) || n < 0) throw new Error(`--fault ${arg}: PARAM must be a number ≥ 0`);
    rule.param = n;
  }
  return [kind, rule];
}
