import { describe, expect, it } from 'vitest';
import { StationError } from '../../../electron/common/errors';
import { parseReply, retryAfterMs, statusError } from '../../../electron/core/sync/envelope';
import { isRetryable, networkError } from '../../../electron/core/sync/errors';

const reply = (status: number, body: string, headers: Record<string, string> = {}) => ({ status, headers, body: Buffer.from(body) });

describe('reply envelope', () => {
  it('reads code, message, correlationId and data', () => {
    const p = parseReply(reply(201, JSON.stringify({ code: 201, message: 'Đã tiếp nhận', correlationId: 'c-1', data: { dossierCode: 'H15.50-251203-0001' } })), 'x');
    expect(p).toMatchObject({ status: 201, message: 'Đã tiếp nhận', correlationId: 'c-1', data: { dossierCode: 'H15.50-251203-0001' } });
  });

  it.each([
    ['truncated JSON', '{"code":201,"message":"Đã tiếp nh'],
    ['two documents glued together', '{"code":201}{"code":201}'],
    ['an HTML gateway page', '<html><body>502 Bad Gateway</body></html>'],
    ['a JSON array', '[1,2]'],
  ])('turns %s into SERVER_REPLY_MALFORMED (retryable)', (_name, body) => {
    let err: unknown;
    try {
      parseReply(reply(200, body), 'v1/dossiers/commit');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(StationError);
    expect((err as StationError).code).toBe('SERVER_REPLY_MALFORMED');
    expect(isRetryable('SERVER_REPLY_MALFORMED')).toBe(true);
  });
});

describe('status codes', () => {
  it('maps 429 with Retry-After seconds, 5xx, 401/403, 400 with field errors', () => {
    expect(statusError(reply(429, '{}', { 'retry-after': '3' }), 'p')).toMatchObject({ code: 'SERVER_RATE_LIMITED', details: { retryAfterMs: 3000 } });
    expect(statusError(reply(503, '{"code":503,"message":"bảo trì"}'), 'p')).toMatchObject({ code: 'SERVER_ERROR', details: { serverMessage: 'bảo trì' } });
    expect(statusError(reply(401, '{}'), 'p').code).toBe('SERVER_AUTH_FAILED');
    const bad = statusError(reply(400, JSON.stringify({ code: 400, message: 'sai', data: { errors: [{ field: 'summary', message: 'quá dài' }] } })), 'p');
    expect(bad).toMatchObject({ code: 'SERVER_REJECTED', details: { errors: [{ field: 'summary' }] } });
    expect(isRetryable('SERVER_REJECTED')).toBe(false);
  });

  it('reads Retry-After as an HTTP date too', () => {
    const now = Date.parse('2026-03-02T00:00:00Z');
    expect(retryAfterMs('Mon, 02 Mar 2026 00:00:10 GMT', now)).toBe(10_000);
    expect(retryAfterMs('soon', now)).toBeUndefined();
  });
});

describe('network failures', () => {
  const err = (code: string): NodeJS.ErrnoException => Object.assign(new Error(code), { code });
  it('cannot connect → OFFLINE, connection lost → SERVER_ERROR, untrusted certificate → TLS_UNTRUSTED (not retried quickly)', () => {
    expect(networkError(err('ECONNREFUSED'), 'u').code).toBe('OFFLINE');
    expect(networkError(err('ENOTFOUND'), 'u').code).toBe('OFFLINE');
    expect(networkError(err('ECONNRESET'), 'u').code).toBe('SERVER_ERROR');
    expect(networkError(err('SELF_SIGNED_CERT_IN_CHAIN'), 'u').code).toBe('TLS_UNTRUSTED');
    expect(networkError(err('DEPTH_ZERO_SELF_SIGNED_CERT'), 'u').code).toBe('TLS_UNTRUSTED');
    expect(networkError(err('ERR_TLS_CERT_ALTNAME_INVALID'), 'u').code).toBe('TLS_UNTRUSTED');
    expect(isRetryable('TLS_UNTRUSTED')).toBe(false);
    expect(isRetryable('OFFLINE')).toBe(true);
  });
});
