import { afterEach, describe, expect, it } from 'vitest';
import type { OneStopServer } from '../../onestop-server/server';
import { FAULT_KINDS, parseFaultArg } from '../../onestop-server/faults';
import { enrolStation, getJson, http, json, makePdf, manifest, postJson, startServer, tokenFor, uploadFile, type Station } from './helpers';

let servers: OneStopServer[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});

async function setup(opts: Parameters<typeof startServer>[0] = {}) {
  const server = await startServer(opts);
  servers.push(server);
  const st = await enrolStation(server.url);
  const file = await uploadFile(server.url, st.token, await makePdf('fault'));
  return { server, st, file };
}

const commitUrl = (s: OneStopServer) => `${s.url}/v1/dossiers/commit`;
const lookup = (s: OneStopServer, st: Station, draftId: string) => getJson(`${s.url}/v1/dossiers?draftId=${draftId}`, st.token);

describe('one-stop server: fault switches', () => {
  it('answers 500 and 503 without applying the commit', async () => {
    const { server, st, file } = await setup();
    for (const kind of ['500', '503'] as const) {
      server.queueFault(kind);
      const r = await postJson(commitUrl(server), manifest(st.stationId, `D-${kind}`, [file]), st.token);
      expect(r.status).toBe(Number(kind));
      expect(json(r).data.reason).toBe(kind === '500' ? 'internal' : 'unavailable');
      expect((await lookup(server, st, `D-${kind}`)).status).toBe(404);
    }
    expect(server.stats().faults).toMatchObject({ '500': 1, '503': 1 });
  });

  it('answers 429 with the Retry-After of the fault parameter, on tus requests too', async () => {
    const { server, st, file } = await setup();
    server.setFaults({ '429': { p: 1, param: 3 } });
    const r = await postJson(commitUrl(server), manifest(st.stationId, 'D-429', [file]), st.token);
    expect(r.status).toBe(429);
    expect(r.headers['retry-after']).toBe('3');
    const h = await http(`${server.url}/v1/files/tus/${file.sha256}`, { method: 'HEAD', headers: { Authorization: `Bearer ${st.token}`, 'Tus-Resumable': '1.0.0' } });
    expect(h.status).toBe(429);
    server.setFaults({});
    expect((await lookup(server, st, 'D-429')).status).toBe(404);
    expect(server.stats().faults['429']).toBe(2);
  });

  it('delays the reply by the configured milliseconds and then applies the request', async () => {
    const { server, st, file } = await setup();
    server.setFaults({ delay: { p: 1, param: 400 } });
    const t0 = Date.now();
    const r = await postJson(commitUrl(server), manifest(st.stationId, 'D-delay', [file]), st.token);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(380);
    expect(r.status).toBe(201);
    expect(server.stats().faults.delay).toBe(1);
  });

  it('expires a valid token on the spot (401 token_expired) until the station fetches a new one', async () => {
    const { server, st, file } = await setup();
    server.queueFault('expire-token');
    const r = await postJson(commitUrl(server), manifest(st.stationId, 'D-exp', [file]), st.token);
    expect(r.status).toBe(401);
    expect(json(r).data.reason).toBe('token_expired');
    expect((await lookup(server, st, 'D-exp')).status).toBe(401);
    const fresh = json(await tokenFor(server.url, st.clientId, st.clientSecret)).access_token as string;
    expect((await postJson(commitUrl(server), manifest(st.stationId, 'D-exp', [file]), fresh)).status).toBe(201);
    expect(server.stats().faults['expire-token']).toBe(1);
  });

  it('applies the commit but truncates its JSON reply', async () => {
    const { server, st, file } = await setup();
    server.queueFault('truncated');
    const r = await postJson(commitUrl(server), manifest(st.stationId, 'D-trunc', [file]), st.token);
    expect(r.status).toBe(201);
    expect(() => JSON.parse(r.text)).toThrow();
    expect(Number(r.headers['content-length'])).toBe(r.body.length);
    expect((await lookup(server, st, 'D-trunc')).status).toBe(200);
    expect(server.stats().faults.truncated).toBe(1);
  });

  it('applies the request but answers malformed replies: an HTML gateway page, then an envelope of the wrong shape', async () => {
    const { server, st, file } = await setup();
    server.queueFault('malformed', 2);
    const r1 = await postJson(commitUrl(server), manifest(st.stationId, 'D-mal', [file]), st.token);
    expect(r1.status).toBe(200);
    expect(r1.text).toContain('<html>');
    const r2 = await lookup(server, st, 'D-mal');
    expect(r2.status).toBe(200);
    expect(json(r2)).toMatchObject({ code: 'OK', data: null });
    expect(json(await lookup(server, st, 'D-mal')).data.dossierCode).toMatch(/^H15\.50-251203-\d{4}$/);
    expect(server.stats().faults.malformed).toBe(2);
  });

  it('delivers a commit twice (gateway duplicate): applied once, the station sees the repeat answer 409 with the code', async () => {
    const { server, st, file } = await setup();
    server.queueFault('duplicate');
    const r = await postJson(commitUrl(server), manifest(st.stationId, 'D-dup', [file]), st.token);
    expect(r.status).toBe(409);
    expect(r.headers['x-onestop-delivery']).toBe('duplicate');
    const d = json(r).data;
    expect(d.dossierCode).toBe('H15.50-251203-0001');
    expect(d.receipt.files.map((f: { sha256: string }) => f.sha256)).toEqual([file.sha256]);
    expect(server.state().dossiers).toHaveLength(1);
    expect(server.stats()).toMatchObject({ commits: { created: 1, conflicts: 1 }, faults: { duplicate: 1 } });
  });

  it('stores a commit whose reply is lost; the retry answers 409 with the same code, never a second dossier', async () => {
    const { server, st, file } = await setup();
    server.queueFault('commit-lost');
    const m = manifest(st.stationId, 'D-lost', [file]);
    await expect(postJson(commitUrl(server), m, st.token)).rejects.toThrow(/socket hang up|ECONNRESET/);
    const look = json(await lookup(server, st, 'D-lost')).data;
    const retry = await postJson(commitUrl(server), m, st.token);
    expect(retry.status).toBe(409);
    expect(json(retry).data.dossierCode).toBe(look.dossierCode);
    expect(server.state().dossiers).toHaveLength(1);
    expect(server.stats().faults['commit-lost']).toBe(1);
  });

  it('makes the same fault decisions for the same seed in random mode, and different ones for another seed', async () => {
    const run = async (seed: number) => {
      const server = await startServer({ randomFaults: true, seed, faults: { delay: { p: 0.05, param: 5 } } });
      servers.push(server);
      server.setFaults({}, {}); // nothing during setup…
      const st = await enrolStation(server.url);
      server.setFaults({ delay: { p: 0.05, param: 5 } }, { random: true, seed }); // …then the seeded stream from its start
      let token = st.token;
      const seen: string[] = [];
      for (let i = 0; i < 60; i++) {
        const r = await getJson(`${server.url}/v1/files/by-hash/${'ab'.repeat(32)}`, token).catch(() => null);
        seen.push(r ? `${r.status}:${r.text.length}` : 'lost');
        if (r?.status === 401) token = json(await tokenFor(server.url, st.clientId, st.clientSecret)).access_token as string;
      }
      return { seen, hits: server.stats().faults };
    };
    const a = await run(42);
    const b = await run(42);
    const c = await run(43);
    expect(b.seen).toEqual(a.seen);
    expect(b.hits).toEqual(a.hits);
    expect(c.seen).not.toEqual(a.seen);
    expect(Object.values(a.hits).reduce((x, y) => x + y, 0)).toBeGreaterThan(3);
  });

  it('parses --fault KIND:P:PARAM and refuses unknown kinds and probabilities outside 0..1', () => {
    expect(parseFaultArg('drop-upload:0.2')).toEqual(['drop-upload', { p: 0.2 }]);
    expect(parseFaultArg('delay:1:300')).toEqual(['delay', { p: 1, param: 300 }]);
    expect(parseFaultArg('503')).toEqual(['503', { p: 1 }]);
    expect(() => parseFaultArg('teapot:1')).toThrow(/unknown kind/);
    expect(() => parseFaultArg('500:1.5')).toThrow(/0\.\.1/);
    expect(() => parseFaultArg('429:1:-3')).toThrow(/PARAM/);
  });

  it('switches faults through the admin endpoint only with the admin token, and reports counters and state', async () => {
    const { server, st } = await setup({ adminToken: 'adm-secret' });
    const admin = { Authorization: 'Bearer adm-secret', 'Content-Type': 'application/json' };
    const denied = await http(`${server.url}/__faults`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"faults":{"503":1}}' });
    expect(denied.status).toBe(401);
    const set = await http(`${server.url}/__faults`, { method: 'POST', headers: admin, body: JSON.stringify({ random: true, seed: 9, faults: { '503': 1 } }) });
    expect(set.status).toBe(200);
    expect(json(set).data.seed).toBe(9);
    expect(Object.keys(json(set).data.rates).sort()).toEqual([...FAULT_KINDS].sort());
    expect((await getJson(`${server.url}/v1/files/by-hash/${'cd'.repeat(32)}`, st.token)).status).toBe(503);
    const stats = json(await http(`${server.url}/__stats`, { headers: admin })).data;
    expect(stats.faults['503']).toBe(1);
    expect(stats.seed).toBe(9);
    const state = json(await http(`${server.url}/__state`, { headers: admin })).data;
    expect(state.files).toHaveLength(1);
    const bad = await http(`${server.url}/__faults`, { method: 'POST', headers: admin, body: JSON.stringify({ faults: { nonsense: 1 } }) });
    expect(bad.status).toBe(400);
    // a server started without an admin token has no admin endpoints at all
    const plain = await startServer();
    servers.push(plain);
    expect((await http(`${plain.url}/__stats`, { headers: admin })).status).toBe(404);
  });
});
