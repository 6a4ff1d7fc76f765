import { existsSync, readFileSync } from 'node:fs';
import type { MethodName, ParamsOf, ResultOf, StationClient } from '../../common/api';
import type { Result } from '../../common/result';
import type { BridgeInfo } from './server';

export function readBridgeInfo(file: string): BridgeInfo | undefined {
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as BridgeInfo;
  } catch {
    return undefined;
  }
}

/** A StationClient over the loopback bridge (used by the CLI when a service runs). */
export class HttpStationClient implements StationClient {
  constructor(
    private readonly info: Pick<BridgeInfo, 'url' | 'token'>,
    private session: string | null = null,
  ) {}

  /** Uses `session` for the following calls (after auth.signIn). */
  useSession(session: string | null): void {
    this.session = session;
  }

  async call<M extends MethodName>(method: M, params: ParamsOf<M>): Promise<Result<ResultOf<M>>> {
    let res: Response;
    try {
      res = await fetch(new URL(`api/${method}`, this.info.url), {
        method: 'POST',
        headers: { Authorization: `Bearer ${this.info.token}`, 'Content-Type': 'application/json', ...(this.session ? { 'X-Sohoa-Session': this.session } : {}) },
        body: JSON.stringify(params ?? {}),
      });
    } catch (err) {
      return { ok: false, error: { code: 'SERVICE_UNREACHABLE', message: `bridge ${this.info.url}: ${(err as Error).message}` } };
    }
    try {
      return (await res.json()) as Result<ResultOf<M>>;
    } catch {
      return { ok: false, error: { code: 'SERVICE_UNREACHABLE', message: `bridge answered HTTP ${res.status} without JSON` } };
    }
  }
}
