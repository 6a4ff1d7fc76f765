// Fault injection around one request of the dvc-bo / dvcqg modes, answering in the mode's own error shapes.
import type { ServerResponse } from 'node:http';
import type { FaultEngine, RequestClass } from './faults';
import { loseReply, sendRaw, sendReply, sleep, type Reply } from './replies';

export interface ModeEnv {
  faults: FaultEngine;
  count(route: string): void;
}

export interface ModeShape {
  /** Body of an HTTP error the gateway/LGSP answers (500/503/429). */
  httpError(status: number, cid: string): unknown;
  /** Reply when the token/session expires mid-batch (dvc-bo: 401; dvcqg: 200 + session error_code). */
  expired(cid: string): Reply;
  /** dvcqg: HTTP 200 with a failing error_code (a transient failure inside the adapter). */
  errorCode?(cid: string): Reply;
  /** Invalidates the presented token/session. */
  expire(): void;
}

/**
 * Runs HANDLER with at most one fault (seeded), like protocol v1's JSON routes: faults before the handler
 * (delay, 5xx, 429, token expiry, error_code) leave the state untouched; faults after it (lost reply, orphan
 * upload, truncated/garbled reply, duplicate delivery) happen after the state changed.
 */
export async function runFaulted(
  env: ModeEnv,
  res: ServerResponse,
  cid: string,
  rc: RequestClass,
  shape: ModeShape,
  handler: () => Promise<Reply> | Reply,
): Promise<void> {
  const { faults } = env;
  env.count(rc.route);
  const d = faults.decide(rc);
  switch (d?.kind) {
    case 'delay':
      faults.hit('delay');
      await sleep(d.param ?? 400);
      break;
    case '500':
    case '503':
      faults.hit(d.kind);
      return sendReply(res, { status: Number(d.kind), body: shape.httpError(Number(d.kind), cid) });
    case '429':
      faults.hit('429');
      return sendReply(res, { status: 429, body: shape.httpError(429, cid), headers: { 'Retry-After': String(Math.ceil(d.param ?? 1)) } });
    case 'expire-token':
      faults.hit('expire-token');
      shape.expire();
      return sendReply(res, shape.expired(cid));
    case 'error-code':
      if (shape.errorCode) {
        faults.hit('error-code');
        return sendReply(res, shape.errorCode(cid));
      }
      break;
    default:
      break;
  }
  let reply = await handler();
  if (d?.kind === 'duplicate') {
    faults.hit('duplicate');
    reply = await handler();
    reply.headers = { ...reply.headers, 'X-Onestop-Delivery': 'duplicate' };
  }
  const ok = reply.status >= 200 && reply.status < 300;
  if ((d?.kind === 'commit-lost' || d?.kind === 'orphan') && ok) {
    faults.hit(d.kind);
    loseReply(res);
    return;
  }
  if (d?.kind === 'truncated') {
    faults.hit('truncated');
    const text = JSON.stringify(reply.body);
    return sendRaw(res, reply.status, text.slice(0, Math.floor(text.length / 2)), reply.headers);
  }
  if (d?.kind === 'malformed') {
    faults.hit('malformed');
    return sendRaw(res, 200, '<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1><hr>nginx</body></html>');
  }
  sendReply(res, reply);
}

