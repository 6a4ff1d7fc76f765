import { existsSync, readFileSync } from 'node:fs';
import type { MethodName, ParamsOf, ResultOf, StationClient } from '../../common/api';
import { StationError } from '../../common/errors';
import type { Result } from '../../common/result';
import type { BridgeInfo } from './server';

/**
 * bridge.json as the CLI trusts it: the service always listens on 127.0.0.1, so a file naming any other
 * address (edited by another local user or program) is refused rather than followed — the CLI would
 * otherwise send the clerk's requests, and the token, wherever the file points.
 */
export function readBridgeInfo(file: string): BridgeInfo | undefined {
  if (!existsSync(file)) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined; // being rewritten (atomic rename) or left half-written by a crash: no service to follow
  }
  const info = raw as Partial<BridgeInfo> | null;
  const url = typeof info?.url === 'string' ? info.url : '';
  const m = /^http:\/\/127\.0\.0\.1:(\d{1,5})\/$/.exec(url);
  if (!m || Number(m[1]) < 1 || Number(m[1]) > 65535 || typeof info?.token !== 'string' || info.token.length < 16) {
    throw new StationError('BRIDGE_FILE_INVALID', 'bridge.json must name http://127.0.0.1:<port>/ and a token', { file, url: url.slice(0, 200) });
  }
  return info as BridgeInfo;
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
