// Main-process side of the service: spawns serviceProcess as a utilityProcess, relays calls and images,
// restarts it if it dies (the window shows "reconnecting" meanwhile), and shuts it down gracefully.
import { utilityProcess, type UtilityProcess } from 'electron';
import { EventEmitter } from 'node:events';
import { backoff } from '../common/backoff';
import type { ConnectionState } from '../common/connection';
import type { FromService, ToService } from './protocol';
import { createShutdown } from './shutdown';

/** The shell's view of its service process: the shared connection states, less the web bridge's `unauthorized`. */
export type ServiceState = Exclude<ConnectionState, 'unauthorized'>;

interface Pending {
  resolve(v: FromService): void;
}

export class ServiceHost extends EventEmitter {
  private child: UtilityProcess | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private restarts = 0;
  private quitting = false;
  state: ServiceState = 'connecting';

  constructor(
    private readonly entry: string,
    private readonly env: NodeJS.ProcessEnv,
  ) {
    super();
  }

  start(): void {
    const child = utilityProcess.fork(this.entry, [], { serviceName: 'SoHoa Station service', stdio: 'inherit', env: this.env });
    this.child = child;
    child.on('message', (msg: FromService) => this.onMessage(msg));
    child.once('exit', () => {
      this.child = null;
      for (const [id, p] of this.pending) p.resolve({ kind: 'result', id, result: { ok: false, error: { code: 'SERVICE_UNREACHABLE', message: 'service exited' } } });
      this.pending.clear();
      this.emit('exit');
      if (this.quitting) return;
      this.setState('reconnecting');
      const delay = backoff(this.restarts++, { baseMs: 500, maxMs: 10_000, jitter: 'none' });
      setTimeout(() => this.start(), delay);
    });
  }

  private setState(s: ServiceState): void {
    this.state = s;
    this.emit('state', s);
  }

  private onMessage(msg: FromService): void {
    if (msg.kind === 'ready') {
      this.restarts = 0;
      this.setState('online');
      this.emit('ready', { setupCode: msg.setupCode });
    } else if (msg.kind === 'event') this.emit('event', msg.event);
    else if (msg.kind === 'result' || msg.kind === 'image') {
      const p = this.pending.get(msg.id);
      this.pending.delete(msg.id);
      p?.resolve(msg);
    }
  }

  private request(build: (id: number) => ToService): Promise<FromService> {
    const child = this.child;
    if (!child || this.state !== 'online') {
      return Promise.resolve({ kind: 'result', id: 0, result: { ok: false, error: { code: 'SERVICE_UNREACHABLE', message: 'service not running' } } });
    }
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, { resolve });
      child.postMessage(build(id));
    });
  }

  async call(method: string, params: unknown, session: string | null): Promise<unknown> {
    const r = await this.request((id) => ({ kind: 'call', id, method, params, session }));
    return r.kind === 'result' ? r.result : { ok: false, error: { code: 'INTERNAL', message: 'unexpected reply' } };
  }

  async image(pageId: string, width: number, session: string | null): Promise<{ bytes: Uint8Array; mediaType: string } | { code: string }> {
    const r = await this.request((id) => ({ kind: 'image', id, pageId, width, session }));
    if (r.kind === 'image') return r.ok ? { bytes: r.bytes, mediaType: r.mediaType } : { code: r.code };
    return { code: 'SERVICE_UNREACHABLE' };
  }

  /** Graceful: the service lets a running scan finish its page, closes the database; killed after 40 s. */
  stop(): Promise<'clean' | 'forced'> {
    this.quitting = true;
    const child = this.child;
    if (!child) return Promise.resolve('clean');
    return createShutdown({
      requestStop: () => child.postMessage({ kind: 'shutdown' } satisfies ToService),
      exited: new Promise((resolve) => child.once('exit', resolve)),
      kill: () => child.kill(),
      graceMs: 40_000,
    })();
  }
}
