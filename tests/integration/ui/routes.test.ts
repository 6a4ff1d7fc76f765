import { request } from 'node:http';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startService, type RunningService } from '../../helpers/cli';
import { tempDir } from '../../helpers/tmp';
import { until } from '../../helpers/until';

/**
 * What the counter UI adds to the service: page review (pages.*), page images by id (GET /pages/<id>/image
 * with the bearer header) and the browser's file import (POST /import/<componentId>), against a real
 * `sohoa serve --demo` with the SANE test scanner.
 */
interface Page {
  id: string;
  seq: number;
  position: number;
  width: number;
  height: number;
  rotation: number;
  blankFlag: string;
  deleted: boolean;
}

function get(port: number, path: string, headers: Record<string, string>): Promise<{ status: number; type: string; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'GET', headers: { host: `127.0.0.1:${port}`, ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type'] ?? ''), body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function value<T>(p: Promise<{ status: number; body: unknown }>): Promise<T> {
  const r = await p;
  const body = r.body as { ok: boolean; value?: T; error?: unknown };
  if (!body.ok) throw new Error(JSON.stringify(body));
  return body.value as T;
}

describe('UI routes and page review on `sohoa serve --demo`', () => {
  let svc: RunningService;
  let componentId: string;
  let otherComponent: string;
  let pages: Page[];

  beforeAll(async () => {
    const profiles = tempDir('sohoa-profiles-', { scope: 'file' });
    const { writeFileSync } = await import('node:fs');
    writeFileSync(
      `${profiles}/fast.json`,
      JSON.stringify({ name: 'fast', pixelType: 'color', resolution: 50, source: 'feeder', driverOptions: { 'test-picture': 'Color pattern' }, exception: { reason: 'test: low resolution for speed' } }),
    );
    svc = await startService(tempDir('sohoa-ui-routes-', { scope: 'file' }), ['--demo'], { SOHOA_PROFILES_DIR: profiles });
    const dossier = await value<{ components: { id: string }[] }>(api(svc, 'dossiers.create', { procedureCode: '1.001193', ownerId: '001099012345' }));
    componentId = dossier.components[0]!.id;
    otherComponent = dossier.components[2]!.id;
    const job = await value<{ id: string }>(api(svc, 'scan.start', { deviceId: 'sane:test:0', profile: 'fast', componentId }));
    // Until the scan has ended, however long a busy machine takes (a fixed number of polls once cut it short).
    await until('the scan to end', async () => (await value<{ state: string }>(api(svc, 'scan.get', { jobId: job.id }))).state !== 'running', 170_000, 100);
    pages = await value<Page[]>(api(svc, 'pages.list', { componentId }));
    expect(pages.length).toBeGreaterThanOrEqual(4);
  });
  afterAll(async () => {
    await svc?.stop();
  });

  it('moves a page, answering the new order; a retry with the same idempotency key does not move it twice', async () => {
    const [a, b, c] = pages;
    const order = await value<Page[]>(api(svc, 'pages.move', { pageId: c!.id, position: 0, idempotencyKey: 'move-c-to-front' }));
    expect(order.slice(0, 3).map((p) => p.id)).toEqual([c!.id, a!.id, b!.id]);
    expect(order.map((p) => p.position)).toEqual(order.map((_, i) => i));
    // Meanwhile the clerk moves another page; then the first request is retried (answer lost): nothing moves again.
    await value(api(svc, 'pages.move', { pageId: a!.id, position: 0, idempotencyKey: 'move-a-to-front' }));
    const retry = await value<Page[]>(api(svc, 'pages.move', { pageId: c!.id, position: 0, idempotencyKey: 'move-c-to-front' }));
    expect(retry.slice(0, 3).map((p) => p.id)).toEqual([c!.id, a!.id, b!.id]); // the first answer, repeated
    const now = await value<Page[]>(api(svc, 'pages.list', { componentId }));
    expect(now.slice(0, 3).map((p) => p.id)).toEqual([a!.id, c!.id, b!.id]);
  });

  it('deletes and restores a page (undo), and records blank decisions', async () => {
    const before = await value<Page[]>(api(svc, 'pages.list', { componentId }));
    const victim = before[1]!;
    await value(api(svc, 'pages.delete', { pageId: victim.id, idempotencyKey: 'delete-victim-1' }));
    const after = await value<Page[]>(api(svc, 'pages.list', { componentId }));
    expect(after.map((p) => p.id)).toEqual(before.filter((p) => p.id !== victim.id).map((p) => p.id));
    const all = await value<Page[]>(api(svc, 'pages.list', { componentId, includeDeleted: true }));
    expect(all.find((p) => p.id === victim.id)?.deleted).toBe(true);
    const restored = await value<Page>(api(svc, 'pages.restore', { pageId: victim.id, idempotencyKey: 'restore-victim-1' }));
    expect(restored).toMatchObject({ deleted: false, position: before.length - 1 });
    const blank = await value<Page>(api(svc, 'pages.setBlank', { pageId: victim.id, decision: 'blank', idempotencyKey: 'blank-victim-1' }));
    expect(blank.blankFlag).toBe('confirmed_blank');
    const missing = await api(svc, 'pages.delete', { pageId: '01ARZ3NDEKTSV4RRFFQ69G5FAV' });
    expect(missing.body).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });

  it('serves a page image by id with the bearer header only, turned by the stored rotation', async () => {
    const p = pages[0]!;
    const path = `/pages/${p.id}/image?w=200`;
    expect((await get(svc.port, path, {})).status).toBe(401);
    expect((await get(svc.port, path, { authorization: 'Bearer wrong' })).status).toBe(401);
    // The bridge token alone does not show a citizen's page: the clerk's session is needed too.
    expect((await get(svc.port, path, { authorization: `Bearer ${svc.token}` })).status).toBe(401);
    const ok = await get(svc.port, path, { authorization: `Bearer ${svc.token}`, 'x-sohoa-session': svc.session! });
    expect(ok.status).toBe(200);
    expect(ok.type).toBe('image/jpeg');
    const m1 = await sharp(ok.body).metadata();
    expect(m1.width).toBe(Math.min(200, p.width));
    await value(api(svc, 'pages.rotate', { pageId: p.id, rotation: 90 }));
    const turned = await sharp((await get(svc.port, `/pages/${p.id}/image?w=2000`, { authorization: `Bearer ${svc.token}`, 'x-sohoa-session': svc.session! })).body).metadata();
    const upright = await sharp((await get(svc.port, `/pages/${pages[1]!.id}/image?w=2000`, { authorization: `Bearer ${svc.token}`, 'x-sohoa-session': svc.session! })).body).metadata();
    expect(turned.width! > turned.height!).toBe(upright.width! < upright.height!);
    // Ids only: paths, traversal and unknown ids are refused.
    for (const bad of ['/pages/../station.db/image', `/pages/${p.id.toLowerCase()}/image`, '/pages/%2e%2e%2fstation.db/image', '/pages/01ARZ3NDEKTSV4RRFFQ69G5FAV/image'])
      expect((await get(svc.port, bad, { authorization: `Bearer ${svc.token}`, 'x-sohoa-session': svc.session! })).status, bad).toBe(404);
  });

  it('imports a file posted by the browser once per idempotency key; the name reaches the importer (which sanitises it)', async () => {
    const png = await sharp({ create: { width: 827, height: 1169, channels: 3, background: { r: 240, g: 240, b: 230 } } }).withMetadata({ density: 100 }).png().toBuffer();
    const post = (key: string, token = svc.token) =>
      fetch(new URL(`import/${otherComponent}`, svc.url), {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'X-Sohoa-Session': svc.session!, 'Content-Type': 'application/octet-stream', 'X-File-Name': encodeURIComponent('<b>giấy</b>\u202Eexe.png'), 'Idempotency-Key': key },
        body: png,
      });
    expect((await post('import-key-0001', 'wrong')).status).toBe(401);
    const first = (await (await post('import-key-0001')).json()) as { ok: boolean; value: { documentId: string; fileName: string } };
    expect(first.ok).toBe(true);
    expect(first.value.fileName).toContain('giấy');
    expect(first.value.fileName).not.toContain('\u202E');
    const again = (await (await post('import-key-0001')).json()) as { ok: boolean; value: { documentId: string } };
    expect(again.value.documentId).toBe(first.value.documentId);
    const dossiers = await value<{ id: string }[]>(api(svc, 'dossiers.list', {}));
    const d = await value<{ components: { id: string; digitised: boolean }[] }>(api(svc, 'dossiers.get', { id: dossiers[0]!.id }));
    expect(d.components.find((c) => c.id === otherComponent)?.digitised).toBe(true);
  });
});
