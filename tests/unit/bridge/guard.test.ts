import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { bearer, checkPeer, isLoopback, tokenMatches } from '../../../electron/core/bridge/guard';

function req(remote: string, headers: Record<string, string>): IncomingMessage {
  return { socket: { remoteAddress: remote }, headers } as unknown as IncomingMessage;
}

describe('bridge guard', () => {
  it('knows loopback addresses, also IPv4-mapped', () => {
    for (const a of ['127.0.0.1', '127.3.4.5', '::1', '::ffff:127.0.0.1']) expect(isLoopback(a)).toBe(true);
    for (const a of ['10.0.0.1', '192.168.1.2', '::ffff:10.0.0.1', '', undefined]) expect(isLoopback(a)).toBe(false);
  });

  it('accepts its own Host with or without Origin', () => {
    expect(checkPeer(req('127.0.0.1', { host: '127.0.0.1:4000' }), 4000)).toEqual({ ok: true });
    expect(checkPeer(req('127.0.0.1', { host: 'localhost:4000', origin: 'http://localhost:4000' }), 4000)).toEqual({ ok: true });
  });

  it('refuses DNS rebinding (foreign Host), cross-site Origin and non-loopback peers', () => {
    expect(checkPeer(req('127.0.0.1', { host: 'evil.example:4000' }), 4000)).toMatchObject({ ok: false, status: 403 });
    expect(checkPeer(req('127.0.0.1', { host: '127.0.0.1:4001' }), 4000)).toMatchObject({ ok: false });
    expect(checkPeer(req('127.0.0.1', { host: '127.0.0.1:4000', origin: 'http://evil.example' }), 4000)).toMatchObject({ ok: false });
    expect(checkPeer(req('127.0.0.1', { host: '127.0.0.1:4000', origin: 'null' }), 4000)).toMatchObject({ ok: false });
    expect(checkPeer(req('192.168.1.9', { host: '127.0.0.1:4000' }), 4000)).toMatchObject({ ok: false });
    expect(checkPeer(req('127.0.0.1', {}), 4000)).toMatchObject({ ok: false });
  });

  it('compares tokens exactly', () => {
    expect(tokenMatches('abc', 'abc')).toBe(true);
    expect(tokenMatches('abd', 'abc')).toBe(false);
    expect(tokenMatches('ab', 'abc')).toBe(false);
    expect(tokenMatches(undefined, 'abc')).toBe(false);
    expect(bearer(req('127.0.0.1', { authorization: 'Bearer xyz' }))).toBe('xyz');
    expect(bearer(req('127.0.0.1', { authorization: 'Basic xyz' }))).toBeUndefined();
  });
});
