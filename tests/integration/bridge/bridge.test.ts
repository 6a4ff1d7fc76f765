import { request } from 'node:http';
import { createServer } from 'node:net';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { METHOD_NAMES, stationApi } from '../../../electron/common/api';
import { api, runCli, startService, type RunningService } from '../../helpers/cli';
import { cliSignIn } from '../../helpers/session';
import { tempDir } from '../../helpers/tmp';

/** A raw HTTP request, so tests can send the Host and Origin headers a browser or attacker would. */
function raw(port: number, path: string, headers: Record<string, string>, body?: string, method = 'POST'): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, headers, setHost: false }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
}

describe('loopback bridge of `sohoa serve`', () => {
  let svc: RunningService;
  let dataDir: string;
  beforeAll(async () => {
    dataDir = tempDir('sohoa-bridge-', { scope: 'file' });
    svc = await startService(dataDir);
  });
  afterAll(async () => {
    await svc?.stop();
  });

  it('refuses POST /api/station.info without the token (401)', async () => {
    const r = await raw(svc.port, '/api/station.info', { host: `127.0.0.1:${svc.port}`, 'content-type': 'application/json' }, '{}');
    expect(r.status).toBe(401);
    expect(JSON.parse(r.text)).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
    const wrong = await raw(svc.port, '/api/station.info', { host: `127.0.0.1:${svc.port}`, authorization: 'Bearer nope' }, '{}');
    expect(wrong.status).toBe(401);
  });

  it('the bridge token alone opens only sign-in, setup and health: every other method is 401 with a code', async () => {
    const tokenOnly = { url: svc.url, token: svc.token, session: null };
    const open = METHOD_NAMES.filter((m) => (stationApi[m] as { public?: true }).public);
    expect(open.sort()).toEqual(['auth.setup', 'auth.signIn', 'station.health']);
    for (const m of METHOD_NAMES.filter((x) => !open.includes(x))) {
      const r = await api(tokenOnly, m, {});
      expect([m, r.status, (r.body as { error: { code: string } }).error.code]).toEqual([m, 401, 'SIGN_IN_REQUIRED']);
    }
    const bogus = await api({ ...tokenOnly, session: 'not-a-session' }, 'dossiers.list', {});
    expect([bogus.status, (bogus.body as { error: { code: string } }).error.code]).toEqual([401, 'SESSION_EXPIRED']);
    expect((await api(tokenOnly, 'station.health', {})).body).toMatchObject({ ok: true, value: { setupRequired: false } });
    // Page images and uploads need the session too.
    const img = await raw(svc.port, '/pages/01ARZ3NDEKTSV4RRFFQ69G5FAV/image', { host: `127.0.0.1:${svc.port}`, authorization: `Bearer ${svc.token}` }, undefined, 'GET');
    expect([img.status, JSON.parse(img.text).error.code]).toEqual([401, 'SIGN_IN_REQUIRED']);
    const up = await raw(svc.port, '/import/01ARZ3NDEKTSV4RRFFQ69G5FAV', { host: `127.0.0.1:${svc.port}`, authorization: `Bearer ${svc.token}` }, 'x');
    expect([up.status, JSON.parse(up.text).error.code]).toEqual([401, 'SIGN_IN_REQUIRED']);
  });

  it('a clerk session gets 403 FORBIDDEN on admin methods; wrong passwords are rate-limited (429)', async () => {
    const made = await api(svc, 'accounts.create', { username: 'bridge.clerk', displayName: 'Cán bộ cầu', role: 'clerk', password: 'bridge-clerk-pw' });
    expect(made.status).toBe(200);
    const si = await api({ url: svc.url, token: svc.token }, 'auth.signIn', { username: 'bridge.clerk', password: 'bridge-clerk-pw' });
    const clerk = { url: svc.url, token: svc.token, session: (si.body as { value: { session: string; mustChangePassword: boolean } }).value.session };
    expect(si.body).toMatchObject({ value: { mustChangePassword: true } });
    // The admin's password is temporary: the service refuses work (and page images) until the clerk sets their own.
    const early = await api(clerk, 'dossiers.list', {});
    expect([early.status, (early.body as { error: { code: string } }).error.code]).toEqual([403, 'PASSWORD_CHANGE_REQUIRED']);
    expect((await api(clerk, 'auth.whoami', {})).body).toMatchObject({ value: { mustChangePassword: true } });
    expect((await api(clerk, 'auth.changePassword', { current: 'bridge-clerk-pw', next: 'bridge-clerk-own-pw' })).status).toBe(200);
    expect((await api(clerk, 'auth.whoami', {})).body).toMatchObject({ value: { mustChangePassword: false } });
    for (const m of METHOD_NAMES.filter((x) => stationApi[x].roles?.length === 1 && stationApi[x].roles?.[0] === 'admin')) {
      const r = await api(clerk, m, {});
      expect([m, r.status, (r.body as { error: { code: string } }).error.code]).toEqual([m, 403, 'FORBIDDEN']);
    }
    expect((await api(clerk, 'dossiers.list', {})).status).toBe(200);
    const codes: string[] = [];
    for (let i = 0; i < 6; i++) codes.push(((await api({ url: svc.url, token: svc.token }, 'auth.signIn', { username: 'bridge.clerk', password: 'wrong-password' })).body as { error: { code: string } }).error.code);
    expect(codes).toEqual(['SIGN_IN_FAILED', 'SIGN_IN_FAILED', 'SIGN_IN_FAILED', 'SIGN_IN_FAILED', 'SIGN_IN_FAILED', 'SIGN_IN_RATE_LIMITED']);
    // Even the right password waits out the block.
    const blocked = await api({ url: svc.url, token: svc.token }, 'auth.signIn', { username: 'bridge.clerk', password: 'bridge-clerk-own-pw' });
    expect([blocked.status, (blocked.body as { error: { code: string; details: { retryAfterSeconds: number } } }).error.code]).toEqual([429, 'SIGN_IN_RATE_LIMITED']);
  });

  it('answers station.info with the token', async () => {
    const r = await api(svc, 'station.info', {});
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ ok: true, value: { dataDir, schemaVersion: expect.any(Number), stationId: expect.stringMatching(/^ST/) } });
  });

  it('refuses a foreign Host header even with the token (DNS rebinding)', async () => {
    const r = await raw(svc.port, '/api/station.info', { host: `evil.example:${svc.port}`, authorization: `Bearer ${svc.token}` }, '{}');
    expect(r.status).toBe(403);
    const ui = await raw(svc.port, '/', { host: 'evil.example' }, undefined, 'GET');
    expect(ui.status).toBe(403);
  });

  it('refuses a foreign Origin even with the token (cross-site request from a web page)', async () => {
    const r = await raw(
      svc.port,
      '/api/dossiers.list',
      { host: `127.0.0.1:${svc.port}`, origin: 'https://evil.example', authorization: `Bearer ${svc.token}`, 'content-type': 'application/json' },
      '{}',
    );
    expect(r.status).toBe(403);
    const same = await raw(
      svc.port,
      '/api/dossiers.list',
      { host: `localhost:${svc.port}`, origin: `http://localhost:${svc.port}`, authorization: `Bearer ${svc.token}`, 'x-sohoa-session': svc.session! },
      '{}',
    );
    expect(same.status).toBe(200);
  });

  it('answers malformed requests with coded errors and an unknown method with 404', async () => {
    const bad = await raw(svc.port, '/api/dossiers.list', { host: `127.0.0.1:${svc.port}`, authorization: `Bearer ${svc.token}` }, '{not json');
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.text)).toMatchObject({ error: { code: 'INVALID_REQUEST' } });
    const invalid = await api(svc, 'dossiers.create', { procedureCode: 'x', ownerId: 1 });
    expect(invalid.status).toBe(400);
    expect(invalid.body).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST', details: { issues: expect.any(Array) } } });
    const unknown = await api(svc, 'station.selfDestruct', {});
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ error: { code: 'UNKNOWN_METHOD' } });
  });

  it('does one thing for a mutating call retried with the same idempotency key', async () => {
    const params = { procedureCode: '1.001193', ownerId: '001099012345', idempotencyKey: 'retry-key-0001' };
    const a = (await api(svc, 'dossiers.create', params)).body as { value: { id: string } };
    const b = (await api(svc, 'dossiers.create', params)).body as { value: { id: string } };
    expect(b.value.id).toBe(a.value.id);
    const list = (await api(svc, 'dossiers.list', {})).body as { value: { id: string }[] };
    expect(list.value.filter((d) => d.id === a.value.id)).toHaveLength(1);
  });

  it('serves the UI at / without the token, with a strict CSP', async () => {
    const r = await fetch(svc.url);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(r.headers.get('content-type')).toContain('text/html');
  });

  it('publishes bridge.json readable by its owner only', () => {
    const st = statSync(join(dataDir, 'bridge.json'));
    expect(st.mode & 0o777).toBe(0o600);
  });

  it('authenticates /events by the first message (token and session) and pushes station events', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${svc.port}/events`);
    const messages: { type: string; data: Record<string, unknown> }[] = [];
    await new Promise<void>((resolve, reject) => {
      ws.on('open', () => ws.send(JSON.stringify({ type: 'auth', token: svc.token, session: svc.session })));
      ws.on('message', (m) => {
        messages.push(JSON.parse(String(m)) as (typeof messages)[number]);
        if (messages.length === 1) resolve();
      });
      ws.on('error', reject);
    });
    expect(messages[0]?.type).toBe('ready');
    const created = (await api(svc, 'dossiers.create', { procedureCode: '1.000656', ownerId: '001099012345' })).body as { value: { id: string } };
    // Wait for the push itself (a busy machine delivers it late; the test's timeout bounds the wait).
    const pushed = (m: (typeof messages)[number]): boolean => m.type === 'dossier.changed' && m.data.id === created.value.id;
    await new Promise<void>((resolve) => {
      const check = (): void => {
        if (messages.some(pushed)) resolve();
        else ws.once('message', check); // after the listener above has recorded it
      };
      check();
    });
    expect(messages.some(pushed)).toBe(true);
    ws.close();
  });

  it('closes /events for a wrong first message', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${svc.port}/events`);
    const code = await new Promise<number>((resolve) => {
      ws.on('open', () => ws.send(JSON.stringify({ type: 'auth', token: 'wrong' })));
      ws.on('close', (c) => resolve(c));
    });
    expect(code).toBe(4401);
  });

  it('closes /events without a valid session: none (4410), unknown (4411), locked (4412), and when the session ends while open', async () => {
    const closeOf = (ws: WebSocket): Promise<{ code: number; reason: string }> =>
      new Promise((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: String(reason) })));
    const attempt = (auth: Record<string, unknown>): Promise<{ code: number; reason: string }> => {
      const ws = new WebSocket(`ws://127.0.0.1:${svc.port}/events`);
      const closed = closeOf(ws);
      ws.on('open', () => ws.send(JSON.stringify({ type: 'auth', token: svc.token, ...auth })));
      return closed;
    };
    expect(await attempt({})).toEqual({ code: 4410, reason: 'SIGN_IN_REQUIRED' });
    expect(await attempt({ session: 'not-a-session' })).toEqual({ code: 4411, reason: 'SESSION_EXPIRED' });

    // A clerk of our own, signed in for this test: locked by hand, then signed out, while a socket is open.
    const pw = 'mat-khau-rat-dai-7';
    expect((await api(svc, 'accounts.create', { username: 'ws.lan', displayName: 'Lan', role: 'clerk', password: pw })).body).toMatchObject({ ok: true });
    const signIn = async (): Promise<string> => ((await api({ ...svc, session: null }, 'auth.signIn', { username: 'ws.lan', password: pw })).body as { value: { session: string } }).value.session;
    const clerk = { url: svc.url, token: svc.token, session: await signIn() };
    const open = async (session: string): Promise<{ ws: WebSocket; closed: Promise<{ code: number; reason: string }> }> => {
      const ws = new WebSocket(`ws://127.0.0.1:${svc.port}/events`);
      const closed = closeOf(ws);
      await new Promise<void>((resolve, reject) => {
        ws.on('open', () => ws.send(JSON.stringify({ type: 'auth', token: svc.token, session })));
        ws.once('message', (m) => ((JSON.parse(String(m)) as { type: string }).type === 'ready' ? resolve() : reject(new Error(String(m)))));
        ws.on('error', reject);
      });
      return { ws, closed };
    };
    const first = await open(clerk.session);
    expect((await api(clerk, 'auth.lock', {})).body).toMatchObject({ ok: true });
    expect(await first.closed).toEqual({ code: 4412, reason: 'SESSION_LOCKED' }); // the periodic re-check
    expect(await attempt({ session: clerk.session })).toEqual({ code: 4412, reason: 'SESSION_LOCKED' });
    expect((await api(clerk, 'auth.unlock', { password: pw })).body).toMatchObject({ ok: true });
    const second = await open(clerk.session);
    expect((await api(clerk, 'auth.signOut', {})).body).toMatchObject({ ok: true });
    expect(await second.closed).toEqual({ code: 4411, reason: 'SESSION_EXPIRED' });
  });

  it('refuses a WebSocket upgrade from a foreign Origin', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${svc.port}/events`, { headers: { Origin: 'https://evil.example' } });
    const err = await new Promise<Error>((resolve) => ws.on('error', resolve));
    expect(String(err)).toMatch(/403|Unexpected server response/);
  });
});

describe('one writer per data directory', () => {
  it('refuses a second service on the same data directory, and the lock dies with a killed holder', async () => {
    const dir = tempDir();
    const port = await freePort();
    const first = await startService(dir, ['--port', String(port)]);
    try {
      expect(first.port).toBe(port);
      await expect(startService(dir, [], {}, 20_000)).rejects.toThrow(/DATA_DIR_LOCKED/);
      await first.kill(); // SIGKILL: no clean-up, the kernel drops the lock
      const second = await startService(dir);
      try {
        const r = await api(second, 'station.info', {});
        expect(r.status).toBe(200);
      } finally {
        await second.stop();
      }
    } finally {
      await first.stop();
    }
  });

  it('a CLI command while no service runs takes the lock in-process and releases it', () => {
    const dir = tempDir();
    cliSignIn(dir);
    expect(runCli(['dossier', 'list'], { SOHOA_DATA_DIR: dir }).code).toBe(0);
    expect(runCli(['dossier', 'list'], { SOHOA_DATA_DIR: dir }).code).toBe(0);
  });
});
