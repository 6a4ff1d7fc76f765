import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ROOT } from '../../helpers/cli';
import { tempDir } from '../../helpers/tmp';
import type { OneStopServer } from '../../onestop-server/server';
import { selfSignedCert } from '../../onestop-server/tls';
import { enrolStation, getJson, http, json, makePdf, postJson, sha256, startServer, tusUpload } from './helpers';

let server: OneStopServer | undefined;
const children: ChildProcess[] = [];
afterEach(async () => {
  await server?.close();
  server = undefined;
  for (const c of children.splice(0)) {
    if (c.exitCode === null && c.pid) {
      const exited = new Promise((r) => c.once('exit', r));
      try {
        process.kill(-c.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
      await exited;
    }
  }
});

/** Starts the server as IT staff do and resolves with its stdout once READY matches. */
function spawnServer(args: string[], ready: (out: string) => boolean): Promise<{ child: ChildProcess; out: string }> {
  const child = spawn('npm', ['run', '-s', 'onestop-server', '--', ...args], { cwd: ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`server did not start: ${out} ${err}`)), 30_000);
    child.stdout?.on('data', (c: Buffer) => {
      out += c.toString();
      if (ready(out)) {
        clearTimeout(timer);
        resolve({ child, out });
      }
    });
    child.stderr?.on('data', (c: Buffer) => (err += c.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited ${code}: ${out} ${err}`));
    });
  });
}

describe('one-stop server: HTTPS and the drill command', () => {
  it('serves HTTPS with a per-test openssl certificate: trusted clients upload and commit, others are refused', async () => {
    const cert = selfSignedCert(tempDir('onestop-tls-'), ['localhost', '127.0.0.1']);
    server = await startServer({ tls: { cert: cert.cert, key: cert.key } });
    expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    await expect(http(`${server.url}/v1/files/by-hash/${'0'.repeat(64)}`)).rejects.toMatchObject({
      code: expect.stringMatching(/SELF_SIGNED|UNABLE_TO_VERIFY/),
    });
    const st = await enrolStation(server.url, 'CODE-1', 'ST-TLS', cert.cert);
    const pdf = await makePdf('tls');
    const up = await tusUpload(server.url, st.token, pdf, { ca: cert.cert });
    expect(up.ok, `${up.status} ${up.error?.message}`).toBe(true);
    const untrusted = await tusUpload(server.url, st.token, await makePdf('untrusted'), { retryDelays: null });
    expect(untrusted.ok).toBe(false);
    expect(untrusted.error?.message).toMatch(/self[- ]signed|unable to verify/i);
    const f = json(await getJson(`${server.url}/v1/files/by-hash/${sha256(pdf)}`, st.token, cert.cert)).data;
    const m = {
      draftId: 'ST-TLS-1', stationId: 'ST-TLS', procedureCode: '2.000908', agencyCode: 'H15.50', receivedAt: '2025-12-05T09:00:00+07:00',
      channel: 1, summary: 'Chứng thực bản sao', owner: { kind: 'enterprise', idType: 'org', id: '0101234567', name: 'Công ty A' },
      components: [{ typeCode: 'TP-1', name: 'Bản sao', kind: 'intake', copyType: 'copy', digitised: 1, reuse: 'none', fromNationalStore: 0,
        documents: [{ fileId: f.fileId, sha256: f.sha256, fileName: 'ban-sao.pdf', pageCount: 1 }] }],
    };
    const c = await postJson(`${server.url}/v1/dossiers/commit`, m, st.token, cert.cert);
    expect(c.status).toBe(201);
    expect(json(c).data.dossierCode).toBe('H15.50-251205-0001');
  });

  it('runs as `npm run onestop-server -- --tls-self-signed` for a drill, printing the URL, enrolment code and certificate', async () => {
    const data = tempDir('onestop-drill-');
    const { out } = await spawnServer(['--port', '0', '--tls-self-signed', '--data', data, '--admin-token', 'drill-admin'], (o) =>
      o.includes('SHA-256 fingerprint:'),
    );
    const url = /listening on (https:\/\/\S+)/.exec(out)?.[1];
    const code = /enrolment code: (DRILL-[A-Z0-9]{4}-[A-Z0-9]{4})/.exec(out)?.[1];
    const certFile = /certificate: (\S+)/.exec(out)?.[1];
    expect(url, out).toBeDefined();
    expect(code, out).toBeDefined();
    expect(certFile).toBe(join(data, 'tls', 'cert.pem'));
    expect(out).toMatch(/seed: \d+/);
    const ca = readFileSync(certFile!, 'utf8');
    const st = await enrolStation(url!, code!, 'ST-DRILL', ca);
    expect(st.token.length).toBeGreaterThan(20);
    const state = json(await http(`${url}/__state`, { headers: { Authorization: 'Bearer drill-admin' }, ca })).data;
    expect(state.stations).toEqual([{ stationId: 'ST-DRILL', stationName: 'Trạm ST-DRILL' }]);
    expect(existsSync(join(data, 'onestop.db'))).toBe(true);
  });

  it('takes fault switches and a seed on the command line and reports them', async () => {
    const data = tempDir('onestop-cli-');
    const { out } = await spawnServer(
      ['--port', '0', '--data', data, '--json', '--random-faults', '--seed', '7', '--fault', 'delay:0:10', '--fault', '500:0', '--fault', '503:1', '--enrolment-code', 'C-1'],
      (o) => o.includes('\n'),
    );
    const info = JSON.parse(out.trim()) as { url: string; seed: number; enrolmentCodes: string[]; adminToken: string; faults: Record<string, { p: number; param?: number }> };
    expect(info.seed).toBe(7);
    expect(info.enrolmentCodes).toEqual(['C-1']);
    expect(info.faults.delay).toEqual({ p: 0, param: 10 });
    expect(info.faults['503']).toEqual({ p: 1 });
    expect(info.faults.orphan?.p).toBeGreaterThan(0);
    // kinds are tried in order: delay and 500 are off, so 503 (p = 1) answers every request
    const r = await http(`${info.url}/v1/files/by-hash/${'0'.repeat(64)}`);
    expect(r.status).toBe(503);
    const stats = json(await http(`${info.url}/__stats`, { headers: { Authorization: `Bearer ${info.adminToken}` } })).data;
    expect(stats.faults['503']).toBe(1);
    expect(stats.seed).toBe(7);
  });
});
