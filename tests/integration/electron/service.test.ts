import { fork, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FromService, ToService } from '../../../electron/main/protocol';
import { Station } from '../../../electron/core/station/station';
import { buildElectron } from '../../../scripts/build-electron';
import { sql } from '../../../electron/core/store/sql';
import { findProcesses, isAlive } from '../../../native-bridge/processes';
import { ROOT } from '../../helpers/cli';
import { DEMO_ADMIN } from '../../helpers/session';
import { tempDir } from '../../helpers/tmp';

/**
 * The Electron shell's service half, bundled exactly as `npm run build:electron` does, run under plain Node
 * with `child_process.fork` standing in for Electron's utilityProcess (a test double: the Electron binary
 * cannot run here; the message protocol is the same). Proves the bundle starts the station, answers calls
 * and page images by id, and shuts down gracefully letting a running scan finish its page.
 */
describe('bundled station service of the Electron shell (fork as a stand-in for utilityProcess)', () => {
  let outRoot: string;
  let entry: string;

  beforeAll(async () => {
    // dist/electron-it-X/main/ is three folders below the project root, like dist/electron/main/.
    mkdirSync(join(ROOT, 'dist'), { recursive: true });
    outRoot = mkdtempSync(join(ROOT, 'dist', 'electron-it-'));
    await buildElectron(outRoot);
    entry = join(outRoot, 'main', 'serviceProcess.mjs');
  });
  afterAll(() => {
    if (outRoot) rmSync(outRoot, { recursive: true, force: true });
  });

  function start(dataDir: string, env: NodeJS.ProcessEnv): { child: ChildProcess; next(pred: (m: FromService) => boolean, ms?: number): Promise<FromService>; send(m: ToService): void } {
    const child = fork(entry, [], { env: { ...process.env, SOHOA_DATA_DIR: dataDir, ...env }, serialization: 'advanced', stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    const seen: FromService[] = [];
    const waiters: { pred: (m: FromService) => boolean; resolve(m: FromService): void }[] = [];
    child.on('message', (m: FromService) => {
      seen.push(m);
      for (const w of [...waiters]) {
        if (!w.pred(m)) continue;
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(m);
      }
    });
    return {
      child,
      send: (m) => child.send(m),
      next: (pred, ms = 60_000) =>
        new Promise((resolve, reject) => {
          const hit = seen.find(pred);
          if (hit) return resolve(hit);
          const timer = setTimeout(() => reject(new Error('no such message from the service')), ms);
          waiters.push({ pred, resolve: (m) => (clearTimeout(timer), resolve(m)) });
        }),
    };
  }

  it('starts, answers StationApi calls and page images by id, and on shutdown lets the running scan finish its page', async () => {
    const dataDir = tempDir('sohoa-electron-svc-');
    const profiles = tempDir('sohoa-profiles-');
    // Slowed sheets (the test backend's read delay), so the scanner is surely still feeding after the first page.
    writeFileSync(
      join(profiles, 'fast.json'),
      JSON.stringify({ name: 'fast', pixelType: 'color', resolution: 100, source: 'feeder', driverOptions: { 'read-delay': true, 'read-delay-duration': 20_000 }, exception: { reason: 'test: low resolution' } }),
    );
    const svc = start(dataDir, { SOHOA_DEMO: '1', SOHOA_PROFILES_DIR: profiles });
    const exited = new Promise<number | null>((resolve) => svc.child.once('exit', (code) => resolve(code)));
    let held: number | undefined;
    try {
      const ready = (await svc.next((m) => m.kind === 'ready')) as Extract<FromService, { kind: 'ready' }>;
      expect(ready.setupCode).toBeNull(); // demo mode has its accounts: no first-run setup
      // The one writer publishes its bridge too, so the CLI talks to it instead of failing on the lock.
      expect(existsSync(join(dataDir, 'bridge.json'))).toBe(true);
      let id = 0;
      let session: string | null = null;
      const call = async (method: string, params: unknown) => {
        const my = ++id;
        svc.send({ kind: 'call', id: my, method, params, session });
        const m = await svc.next((x) => x.kind === 'result' && x.id === my);
        return (m as { result: { ok: boolean; value?: unknown; error?: { code: string } } }).result;
      };
      // The window's calls carry the clerk's session like the bridge's: none, and only health and sign-in answer.
      expect(await call('station.info', {})).toMatchObject({ ok: false, error: { code: 'SIGN_IN_REQUIRED' } });
      expect(await call('station.health', {})).toMatchObject({ ok: true, value: { demoMode: true, setupRequired: false } });
      const signedIn = (await call('auth.signIn', { username: DEMO_ADMIN.username, password: DEMO_ADMIN.password })) as { ok: boolean; value: { session: string } };
      session = signedIn.value.session;
      expect(await call('station.info', {})).toMatchObject({ ok: true, value: { demoMode: true } });
      expect(await call('no.such', {})).toMatchObject({ ok: false, error: { code: 'UNKNOWN_METHOD' } });
      const d = (await call('dossiers.create', { procedureCode: '1.001193', ownerId: '001099012345' })) as { value: { components: { id: string }[] } };
      const componentId = d.value.components[0]!.id;
      const job = (await call('scan.start', { deviceId: 'sane:test:0', profile: 'fast', componentId })) as { ok: boolean; value: { id: string } };
      expect(job.ok).toBe(true);
      const first = (await svc.next((m) => m.kind === 'event' && m.event.type === 'scan.page')) as Extract<FromService, { kind: 'event' }>;
      // Hold the scanner with its next sheet in flight, so the scan is still going when Quit comes however slow the
      // checks below are on a busy machine (it finished the whole batch first there once); it resumes after Quit.
      const [scanner] = findProcesses('scanimage', dataDir);
      expect(scanner, 'scanimage still feeding after the first page').toBeDefined();
      held = scanner!.pid;
      process.kill(held, 'SIGSTOP');

      svc.send({ kind: 'image', id: 998, pageId: String(first.event.data.id), width: 120, session: null });
      expect(await svc.next((m) => m.kind === 'image' && m.id === 998)).toMatchObject({ ok: false, code: 'SIGN_IN_REQUIRED' });
      svc.send({ kind: 'image', id: 999, pageId: String(first.event.data.id), width: 120, session });
      const img = (await svc.next((m) => m.kind === 'image' && m.id === 999)) as { ok: boolean; bytes: Uint8Array; mediaType: string };
      expect(img).toMatchObject({ ok: true, mediaType: 'image/jpeg' });
      expect([img.bytes[0], img.bytes[1]]).toEqual([0xff, 0xd8]);
      svc.send({ kind: 'image', id: 1000, pageId: '../../station.db', width: 120, session });
      expect(await svc.next((m) => m.kind === 'image' && m.id === 1000)).toMatchObject({ ok: false, code: 'INVALID_REQUEST' });

      // Quit while the feeder is still going: the page in flight is finished, then the service stops.
      svc.send({ kind: 'shutdown' });
      // Messages are handled in order: once this call is answered the service has taken Quit with the scan running.
      expect(await call('station.health', {})).toMatchObject({ ok: true });
      process.kill(held, 'SIGCONT');
      const stopped = (await svc.next((m) => m.kind === 'stopped', 45_000)) as { how: string };
      expect(stopped.how).toBe('page-finished'); // the scan was still going (10 sheets)
      expect(await exited).toBe(0);
    } finally {
      if (held !== undefined && isAlive(held)) process.kill(held, 'SIGCONT');
      if (svc.child.exitCode === null) svc.child.kill('SIGKILL');
    }

    // Every page that was reported is stored whole; the job is not left running.
    const station = Station.open({ dataDir, holder: 'test' });
    try {
      const pages = station.store.all<{ raw_sha256: string; seq: number }>(sql`SELECT raw_sha256, seq FROM page ORDER BY seq`);
      expect(pages.length).toBeGreaterThanOrEqual(2); // the first page and the one in flight at Quit
      expect(pages.map((p) => p.seq)).toEqual(pages.map((_, i) => i + 1));
      for (const p of pages) expect(() => station.blobs.get(p.raw_sha256, { verify: true })).not.toThrow();
      const running = station.store.all(sql`SELECT id FROM scan_job WHERE state = 'running'`);
      expect(running).toEqual([]);
    } finally {
      await station.close();
    }
  });

  it('on a first run the ready message carries the one-time setup code, and that code creates the admin', async () => {
    const dataDir = tempDir('sohoa-electron-first-');
    const svc = start(dataDir, { SOHOA_DEMO: '0' });
    const exited = new Promise<number | null>((resolve) => svc.child.once('exit', (code) => resolve(code)));
    try {
      const ready = (await svc.next((m) => m.kind === 'ready')) as Extract<FromService, { kind: 'ready' }>;
      expect(typeof ready.setupCode).toBe('string');
      const call = async (id: number, method: string, params: unknown) => {
        svc.send({ kind: 'call', id, method, params, session: null });
        return ((await svc.next((x) => x.kind === 'result' && x.id === id)) as { result: { ok: boolean; error?: { code: string } } }).result;
      };
      expect(await call(1, 'station.health', {})).toMatchObject({ ok: true, value: { setupRequired: true } });
      const admin = { username: 'quantri.xa', displayName: 'Quản trị xã', password: 'mat-khau-quan-tri-1' };
      expect(await call(2, 'auth.setup', { code: 'not-the-code-1234', ...admin })).toMatchObject({ ok: false, error: { code: 'SETUP_CODE_INVALID' } });
      expect(await call(3, 'auth.setup', { code: ready.setupCode, ...admin })).toMatchObject({ ok: true, value: { role: 'admin' } });
      expect(await call(4, 'station.health', {})).toMatchObject({ ok: true, value: { setupRequired: false } });
      svc.send({ kind: 'shutdown' });
      await svc.next((m) => m.kind === 'stopped', 45_000);
      expect(await exited).toBe(0);
    } finally {
      if (svc.child.exitCode === null) svc.child.kill('SIGKILL');
    }
  });
});
