import { once } from 'node:events';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpClient, MAX_JSON_REPLY_BYTES } from '../../../electron/core/sync/http';
import { tempDir } from '../../helpers/tmp';
import { caAndServerCert } from '../../onestop-server/tls';

// Transport hardening of every one-stop adapter (docs/sync.md, Transport): each rule against a real local server.

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});

async function listen(server: http.Server | https.Server): Promise<number> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  closers.push(async () => {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  });
  return (server.address() as AddressInfo).port;
}

function client(url: string, opts: { caFile?: string; pinCa?: boolean } = {}): HttpClient {
  const c = new HttpClient(new URL(url), { timeoutMs: 60_000, ...opts });
  closers.push(() => Promise.resolve(c.close()));
  return c;
}

const okJson = (_req: http.IncomingMessage, res: http.ServerResponse) => res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"code":0}');

describe('one-stop transport: CA pinning', () => {
  it('pinned to the province CA, talks to a server it issued and refuses one whose certificate comes from another CA', async () => {
    const province = caAndServerCert(tempDir('ca-province-'), 'Province CA');
    const other = caAndServerCert(tempDir('ca-other-'), 'Other CA');
    const good = await listen(https.createServer({ cert: province.cert, key: province.key }, okJson));
    const foreign = await listen(https.createServer({ cert: other.cert, key: other.key }, okJson));

    const pinned = client(`https://127.0.0.1:${good}/`, { caFile: province.caFile, pinCa: true });
    expect((await pinned.request('GET', '/ping')).status).toBe(200);

    const refused = client(`https://127.0.0.1:${foreign}/`, { caFile: province.caFile, pinCa: true });
    await expect(refused.request('GET', '/ping')).rejects.toMatchObject({ code: 'TLS_UNTRUSTED', details: { tls: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' } });
    // The other CA's server is fine for a client that trusts that CA: the refusal is the pin, not a broken server.
    expect((await client(`https://127.0.0.1:${foreign}/`, { caFile: other.caFile }).request('GET', '/ping')).status).toBe(200);
  });

  it('pinned mode trusts the province CA only (not the system store); unpinned adds it to the system store', () => {
    const province = caAndServerCert(tempDir('ca-province-'), 'Province CA');
    const pinned = client('https://127.0.0.1:9/', { caFile: province.caFile, pinCa: true });
    const unpinned = client('https://127.0.0.1:9/', { caFile: province.caFile });
    const trust = (c: HttpClient) => (c.agent as https.Agent).options.ca as string[];
    expect(trust(pinned)).toEqual([province.ca]);
    expect(trust(unpinned).length).toBeGreaterThan(1);
    expect(trust(unpinned)).toContain(province.ca);
    expect(() => client('https://127.0.0.1:9/', { pinCa: true })).toThrow(expect.objectContaining({ code: 'INVALID_REQUEST' }));
  });
});

describe('one-stop transport: redirects', () => {
  it('refuses a 302 with SERVER_REDIRECTED and never contacts the place it points to', async () => {
    let elsewhereHits = 0;
    const elsewhere = await listen(
      http.createServer((req, res) => {
        elsewhereHits++;
        okJson(req, res);
      }),
    );
    const port = await listen(http.createServer((_req, res) => res.writeHead(302, { Location: `http://127.0.0.1:${elsewhere}/steal` }).end()));
    const c = client(`http://127.0.0.1:${port}/`);
    await expect(c.request('POST', '/dossiers', { headers: { Authorization: 'Bearer secret-token' }, body: '{"MaHoSo":"X"}' })).rejects.toMatchObject({
      code: 'SERVER_REDIRECTED',
      details: { status: 302, location: `http://127.0.0.1:${elsewhere}/steal` },
    });
    // The redirect target is still up and answering: a client that followed would have reached it.
    expect((await client(`http://127.0.0.1:${elsewhere}/`).request('GET', '/probe')).status).toBe(200);
    expect(elsewhereHits).toBe(1);
  });
});

describe('one-stop transport: reply cap', () => {
  it('accepts a JSON reply of exactly 1 MiB and cuts and refuses a bigger one with SERVER_REPLY_TOO_LARGE', async () => {
    const exact = Buffer.alloc(MAX_JSON_REPLY_BYTES, 0x20);
    const sent: { bytes: number; finished: boolean; closed: Promise<void> }[] = [];
    const port = await listen(
      http.createServer((req, res) => {
        if (req.url === '/exact') {
          res.writeHead(200, { 'Content-Type': 'application/json' }).end(exact);
          return;
        }
        // 8 MiB in 64 KiB chunks, each written only when the socket drained: a client that cuts stops the flow.
        const record = { bytes: 0, finished: false, closed: once(res, 'close').then(() => undefined) };
        sent.push(record);
        res.writeHead(200, { 'Content-Type': 'application/json' });
        const chunk = Buffer.alloc(64 * 1024, 0x20);
        const pump = (): void => {
          while (record.bytes < 8 * 1024 * 1024) {
            if (res.destroyed) return;
            record.bytes += chunk.length;
            if (!res.write(chunk)) {
              res.once('drain', pump);
              return;
            }
          }
          res.end(() => (record.finished = true));
        };
        pump();
      }),
    );
    const c = client(`http://127.0.0.1:${port}/`);
    expect((await c.request('GET', '/exact')).body.length).toBe(MAX_JSON_REPLY_BYTES);
    await expect(c.request('GET', '/big')).rejects.toMatchObject({ code: 'SERVER_REPLY_TOO_LARGE', details: { cap: MAX_JSON_REPLY_BYTES } });
    // The client hung up: the connection closed before the server could deliver its 8 MiB.
    await sent[0]!.closed;
    expect(sent[0]).toMatchObject({ finished: false });
    expect(sent[0]!.bytes).toBeLessThan(8 * 1024 * 1024);
  });
});
