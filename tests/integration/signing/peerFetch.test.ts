import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { fetchRetryingBrokenConnection } from '../../../electron/core/signing/peerFetch';

const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

async function serve(handler: (hit: number, req: IncomingMessage, res: ServerResponse) => void): Promise<{ url: string; hits: () => number }> {
  let hits = 0;
  const s = createServer((req, res) => handler(++hits, req, res));
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(s.address() as AddressInfo).port}/tsa`, hits: () => hits };
}

describe('fetch to signing peers (TSA, OCSP, CRL)', () => {
  it('sends a request again once when the connection broke before any answer', async () => {
    const srv = await serve((hit, _req, res) => {
      if (hit === 1) res.socket?.destroy();
      else res.end('granted');
    });
    const r = await fetchRetryingBrokenConnection(srv.url, { method: 'POST', body: 'q' }, 5000);
    expect(await r.text()).toBe('granted');
    expect(srv.hits()).toBe(2);
  });

  it('does not retry a timeout: the caller falls back at once', async () => {
    const srv = await serve(() => {
      /* never answers */
    });
    await expect(fetchRetryingBrokenConnection(srv.url, { method: 'POST', body: 'q' }, 300)).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(srv.hits()).toBe(1);
  });

  it('gives up after the second broken connection', async () => {
    const srv = await serve((_hit, _req, res) => res.socket?.destroy());
    await expect(fetchRetryingBrokenConnection(srv.url, { method: 'GET' }, 5000)).rejects.toThrow();
    expect(srv.hits()).toBe(2);
  });
});
