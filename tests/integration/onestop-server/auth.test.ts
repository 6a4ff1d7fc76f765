import { afterEach, describe, expect, it } from 'vitest';
import type { OneStopServer } from '../../onestop-server/server';
import { enrolStation, getJson, http, json, postJson, startServer, tokenFor } from './helpers';

let server: OneStopServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const HEX64 = 'a'.repeat(64);

describe('one-stop server: enrolment and tokens', () => {
  it('returns the same credentials when a station re-enrols with its code, and refuses the code to another station', async () => {
    server = await startServer();
    const body = { enrolmentCode: 'CODE-1', stationId: 'ST-A', stationName: 'UBND xã A — quầy 1' };
    const first = await postJson(`${server.url}/v1/enrol`, body);
    const again = await postJson(`${server.url}/v1/enrol`, body);
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(json(again).data).toEqual(json(first).data);
    expect(json(first).data.clientSecret).toMatch(/^.{20,}$/);

    const other = await postJson(`${server.url}/v1/enrol`, { ...body, stationId: 'ST-B' });
    expect(other.status).toBe(409);
    expect(json(other).data.reason).toBe('enrolment_code_used');

    const unknown = await postJson(`${server.url}/v1/enrol`, { ...body, enrolmentCode: 'NOPE', stationId: 'ST-C' });
    expect(unknown.status).toBe(403);
    const bad = await postJson(`${server.url}/v1/enrol`, { enrolmentCode: 'CODE-2', stationId: 'bad id with spaces', stationName: '' });
    expect(bad.status).toBe(400);
    expect(json(bad).data.errors.map((e: { field: string }) => e.field).sort()).toEqual(['stationId', 'stationName']);
    expect(server.state().stations).toEqual([{ stationId: 'ST-A', stationName: 'UBND xã A — quầy 1' }]);
  });

  it('issues client-credentials tokens in OAuth2 and envelope shape, and refuses wrong secrets', async () => {
    server = await startServer();
    const st = await enrolStation(server.url);
    const t = await tokenFor(server.url, st.clientId, st.clientSecret);
    expect(t.status).toBe(200);
    const j = json(t);
    expect(j).toMatchObject({ token_type: 'Bearer', expires_in: 3600, code: 200, data: { token_type: 'Bearer', expires_in: 3600 } });
    expect(j.data.access_token).toBe(j.access_token);
    expect(t.headers['x-correlation-id']).toBe(j.correlationId);

    const wrong = await tokenFor(server.url, st.clientId, `${st.clientSecret}x`);
    expect(wrong.status).toBe(401);
    expect(json(wrong).data.reason).toBe('bad_client');
    const grant = await http(`${server.url}/v1/oauth/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: `grant_type=password&client_id=${st.clientId}&client_secret=${st.clientSecret}`,
    });
    expect(grant.status).toBe(400);
    const form = await http(`${server.url}/v1/oauth/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: `grant_type=client_credentials&client_id=${st.clientId}&client_secret=${st.clientSecret}`,
    });
    expect(form.status).toBe(200);
  });

  it('requires a bearer token and answers 401 token_expired once its lifetime has passed', async () => {
    // The server's token clock is the test's: the lifetime passes when the test says so, however slow the machine.
    let now = Date.parse('2026-12-01T08:00:00Z');
    server = await startServer({ tokenTtlSeconds: 60, tokenClock: () => now });
    const st = await enrolStation(server.url);
    expect(json(await getJson(`${server.url}/v1/files/by-hash/${HEX64}`)).data.reason).toBe('token_missing');
    expect(json(await getJson(`${server.url}/v1/files/by-hash/${HEX64}`, 'forged')).data.reason).toBe('token_invalid');
    const live = await getJson(`${server.url}/v1/files/by-hash/${HEX64}`, st.token);
    expect(live.status).toBe(404);
    now += 59_999; // the last millisecond of its lifetime
    expect((await getJson(`${server.url}/v1/files/by-hash/${HEX64}`, st.token)).status).toBe(404);
    now += 1;
    const expired = await getJson(`${server.url}/v1/files/by-hash/${HEX64}`, st.token);
    expect(expired.status).toBe(401);
    expect(json(expired).data.reason).toBe('token_expired');
    const fresh = json(await tokenFor(server.url, st.clientId, st.clientSecret)).access_token as string;
    expect((await getJson(`${server.url}/v1/files/by-hash/${HEX64}`, fresh)).status).toBe(404);
  });

  it('echoes a client correlation id and answers unknown routes with a 404 envelope', async () => {
    server = await startServer();
    const r = await http(`${server.url}/v1/nothing`, { headers: { 'X-Correlation-Id': 'st-42.abc' } });
    expect(r.status).toBe(404);
    expect(json(r)).toMatchObject({ code: 404, correlationId: 'st-42.abc', data: { reason: 'not_found' } });
    expect(r.headers['x-correlation-id']).toBe('st-42.abc');
  });
});
