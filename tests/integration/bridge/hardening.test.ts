import type { Socket } from 'node:net';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { api, runCli, startService, type RunningService } from '../../helpers/cli';
import { tempDir } from '../../helpers/tmp';

/** Opens /events and resolves once the socket is open (no auth sent). */
function openRaw(port: number): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/events`);
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

function closed(ws: WebSocket): Promise<number> {
  return new Promise((resolve) => {
    if (ws.readyState === ws.CLOSED) resolve(1006);
    ws.on('error', () => undefined);
    ws.once('close', (code) => resolve(code));
  });
}

describe('bridge hardening against local processes', () => {
  let svc: RunningService;
  beforeAll(async () => {
    svc = await startService(tempDir('sohoa-bridge-hard-', { scope: 'file' }));
  });
  afterAll(async () => {
    await svc?.stop();
  });

  it('survives a 100 KB WebSocket frame sent before auth (the socket is closed, the service keeps answering)', async () => {
    const ws = await openRaw(svc.port);
    const done = closed(ws);
    ws.send(Buffer.alloc(100 * 1024, 0x41));
    const code = await done;
    expect([1006, 1009, 4401]).toContain(code);
    expect(svc.child.exitCode).toBeNull();
    const r = await api(svc, 'station.info', {});
    expect(r.status).toBe(200);
  });

  it('survives a socket that breaks off in the middle of a frame', async () => {
    const ws = await openRaw(svc.port);
    const done = closed(ws);
    // A frame header announcing 60 KB, then only a few bytes and a hard close of the TCP socket.
    const raw = (ws as unknown as { _socket: Socket })._socket;
    raw.write(Buffer.from([0x82, 0xfe, 0xea, 0x60, 1, 2, 3, 4, 5, 6]));
    raw.destroy();
    await done;
    const r = await api(svc, 'station.info', {});
    expect(r.status).toBe(200);
  });

  it('caps unauthenticated sockets: past the cap an upgrade is refused, an authenticated client still connects', async () => {
    const idle: WebSocket[] = [];
    let refused = 0;
    for (let i = 0; i < 40; i++) {
      try {
        idle.push(await openRaw(svc.port));
      } catch {
        refused++;
      }
    }
    expect(refused).toBeGreaterThan(0);
    expect(idle.length).toBeLessThan(40);
    for (const ws of idle) ws.terminate();
    await Promise.all(idle.map((ws) => closed(ws)));
    // Once the idle sockets are gone the real UI connects again (wait on state, not time).
    const ws = await (async () => {
      for (;;) {
        try {
          return await openRaw(svc.port);
        } catch {
          await new Promise((r) => setTimeout(r, 100));
        }
      }
    })();
    const ready = await new Promise<string>((resolve, reject) => {
      ws.on('message', (m) => resolve((JSON.parse(String(m)) as { type: string }).type));
      ws.on('error', reject);
      ws.send(JSON.stringify({ type: 'auth', token: svc.token, session: svc.session }));
    });
    expect(ready).toBe('ready');
    ws.close();
  });

  it('the CLI refuses a bridge.json that does not name http://127.0.0.1:<port>/ (coded error, nothing sent)', () => {
    const file = join(svc.dataDir, 'bridge.json');
    const original = readFileSync(file, 'utf8');
    const info = JSON.parse(original) as { url: string };
    try {
      // Loopback addresses only (no traffic may leave the machine even if the check were missing).
      for (const url of [`http://localhost:${svc.port}/`, `http://127.0.0.2:${svc.port}/`, `https://127.0.0.1:${svc.port}/`, `http://127.0.0.1:${svc.port}/x/`]) {
        writeFileSync(file, JSON.stringify({ ...info, url }), { mode: 0o600 });
        const r = runCli(['dossier', 'list', '--json'], { SOHOA_DATA_DIR: svc.dataDir });
        expect(r.code, url).not.toBe(0);
        expect(r.stdout + r.stderr, url).toContain('BRIDGE_FILE_INVALID');
      }
    } finally {
      writeFileSync(file, original, { mode: 0o600 });
    }
    // The admin's session for this one command (SOHOA_SESSION), as a script would pass it.
    const ok = runCli(['dossier', 'list', '--json'], { SOHOA_DATA_DIR: svc.dataDir, SOHOA_SESSION: svc.session! });
    expect(ok.code).toBe(0);
  });
});
