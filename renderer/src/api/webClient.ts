import type { MethodName, ParamsOf, ResultOf, StationEvent } from '../../../electron/common/api';
import { EVENTS_CLOSE, sessionCloseReason } from '../../../electron/common/connection';
import type { Result } from '../../../electron/common/result';
import { reconnectDelay } from './backoff';
import { SessionHolder } from './session';
import type { ConnectionState, StationTransport } from './transport';

type Listener<T> = (value: T) => void;

/**
 * The browser's StationApi client over the loopback bridge: `POST /api/<method>` with the bearer token,
 * events on the WebSocket `/events` (first message carries the token and the clerk's session). The socket
 * doubles as the liveness signal: when it drops the state turns to 'reconnecting' and it retries with
 * backoff until the service answers again (a restarted service on the same port and token), then reports
 * 'online' so screens reload. A close for the session (none, ended, locked) means the service is up: the
 * gate hears of it, and the socket opens again once there is a session (sign-in) or with backoff (unlock).
 */
export class WebTransport implements StationTransport {
  private ws: WebSocket | null = null;
  private attempt = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private readonly events = new Set<Listener<StationEvent>>();
  private readonly states = new Set<Listener<ConnectionState>>();
  private current: ConnectionState = 'connecting';
  private closed = false;

  readonly session: SessionHolder;

  constructor(
    private readonly base: URL,
    private readonly token: string,
    storage?: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>,
  ) {
    this.session = new SessionHolder(storage);
    this.session.onChange(() => this.reopen());
  }

  /** A new session (or none): the open socket belongs to the previous one. */
  private reopen(): void {
    if (this.closed) return;
    const old = this.ws;
    this.ws = null;
    old?.close();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.attempt = 0;
    if (this.session.current !== null) this.connect();
  }

  /** The bridge token (this PC) and the clerk's session (who). */
  private headers(extra: Record<string, string> = {}): Record<string, string> {
    const s = this.session.current;
    return { Authorization: `Bearer ${this.token}`, ...(s ? { 'X-Sohoa-Session': s } : {}), ...extra };
  }

  get state(): ConnectionState {
    return this.current;
  }

  start(): void {
    this.connect();
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.ws?.close();
  }

  private setState(s: ConnectionState): void {
    if (s === this.current) return;
    this.current = s;
    for (const fn of this.states) fn(s);
  }

  private connect(): void {
    if (this.closed) return;
    const url = new URL('events', this.base);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    let ws: WebSocket;
    try {
      ws = new WebSocket(url);
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.ws = ws;
    ws.onopen = () => ws.send(JSON.stringify({ type: 'auth', token: this.token, session: this.session.current }));
    ws.onmessage = (msg) => {
      let ev: StationEvent;
      try {
        ev = JSON.parse(String(msg.data)) as StationEvent;
      } catch {
        return;
      }
      if (ev.type === 'ready') {
        this.attempt = 0;
        this.setState('online');
      }
      for (const fn of this.events) fn(ev);
    };
    ws.onclose = (e) => {
      if (this.ws !== ws) return;
      this.ws = null;
      const sessionCode = sessionCloseReason(e.code);
      if (sessionCode !== null) {
        // The service answered and took the token: only the clerk is missing, ended or locked.
        this.setState('online');
        if (sessionCode === 'SESSION_LOCKED') void this.confirmLocked();
        else this.session.observe({ ok: false, error: { code: sessionCode } });
        if (this.session.current === null) return; // opens again at the next sign-in (onChange)
      } else if (e.code === EVENTS_CLOSE.UNAUTHORIZED) {
        this.setState('unauthorized');
        // The token may be right again after a restart with the same token: keep trying, slowly.
      } else if (this.current !== 'connecting') this.setState('reconnecting');
      this.scheduleReconnect();
    };
  }

  /**
   * A socket refused as locked may have asked just before an unlock went through: the session's state is
   * read again before the gate is told (else the lock screen would come back over an unlocked session).
   */
  private async confirmLocked(): Promise<void> {
    const who = await this.call('auth.whoami', {});
    if (who.ok && who.value.locked) this.session.observe({ ok: false, error: { code: 'SESSION_LOCKED' } });
  }

  private scheduleReconnect(): void {
    if (this.closed) return;
    const delay = reconnectDelay(this.attempt++);
    this.timer = setTimeout(() => this.connect(), delay);
  }

  /** Called when an HTTP call could not reach the service: the socket may not have noticed yet. */
  private suspectDown(): void {
    if (this.current === 'online') this.setState('reconnecting');
    try {
      this.ws?.close();
    } catch {
      /* already closed */
    }
  }

  async call<M extends MethodName>(method: M, params: ParamsOf<M>): Promise<Result<ResultOf<M>>> {
    let res: Response;
    try {
      res = await fetch(new URL(`api/${method}`, this.base), {
        method: 'POST',
        headers: this.headers({ 'Content-Type': 'application/json' }),
        body: JSON.stringify(params ?? {}),
        cache: 'no-store',
      });
    } catch (err) {
      this.suspectDown();
      return { ok: false, error: { code: 'SERVICE_UNREACHABLE', message: (err as Error).message } };
    }
    try {
      const result = (await res.json()) as Result<ResultOf<M>>;
      this.session.observe(result);
      return result;
    } catch {
      this.suspectDown();
      return { ok: false, error: { code: 'SERVICE_UNREACHABLE', message: `HTTP ${res.status} without JSON` } };
    }
  }

  onEvent(fn: Listener<StationEvent>): () => void {
    this.events.add(fn);
    return () => this.events.delete(fn);
  }

  onState(fn: Listener<ConnectionState>): () => void {
    this.states.add(fn);
    return () => this.states.delete(fn);
  }

  /** fetch + blob: the token travels in a header, never in an image URL (no token in logs or history). */
  async pageImage(pageId: string, width: number, signal?: AbortSignal): Promise<string> {
    const url = new URL(`pages/${encodeURIComponent(pageId)}/image`, this.base);
    url.searchParams.set('w', String(width));
    const init: RequestInit = { headers: this.headers(), cache: 'no-store' };
    if (signal) init.signal = signal;
    const res = await fetch(url, init);
    if (!res.ok) throw new Error(`page image HTTP ${res.status}`);
    return URL.createObjectURL(await res.blob());
  }

  releaseImage(url: string): void {
    if (url.startsWith('blob:')) URL.revokeObjectURL(url);
  }

  /** POST /import/<componentId>: the bridge stores the bytes privately and runs documents.import on them. */
  async importFile(componentId: string, file: File, idempotencyKey: string): Promise<Result<ResultOf<'documents.import'>>> {
    try {
      const res = await fetch(new URL(`import/${encodeURIComponent(componentId)}`, this.base), {
        method: 'POST',
        headers: this.headers({
          'Content-Type': 'application/octet-stream',
          'X-File-Name': encodeURIComponent(file.name),
          'Idempotency-Key': idempotencyKey,
        }),
        body: file,
      });
      return (await res.json()) as Result<ResultOf<'documents.import'>>;
    } catch (err) {
      this.suspectDown();
      return { ok: false, error: { code: 'SERVICE_UNREACHABLE', message: (err as Error).message } };
    }
  }
}
