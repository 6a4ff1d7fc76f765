import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { StationError } from '../../../electron/common/errors';
import { BlobStore } from '../../../electron/core/store/blobs';
import { tempDir } from '../../helpers/tmp';

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
const mounts: string[] = [];
afterEach(() => {
  for (const m of mounts.splice(0)) execFileSync('umount', [m]);
});

describe('content-addressed blob store', () => {
  it('stores bytes under their sha256 and reads them back verified', () => {
    const store = new BlobStore(join(tempDir(), 'blobs'));
    const data = Buffer.from('một trang đã quét');
    const r = store.putBuffer(data);
    expect(r).toEqual({ sha256: sha(data), size: data.length, created: true });
    expect(store.pathOf(r.sha256)).toContain(`${r.sha256.slice(0, 2)}/${r.sha256.slice(2, 4)}/${r.sha256}`);
    expect(store.get(r.sha256, { verify: true }).equals(data)).toBe(true);
  });

  it('stores identical content once', () => {
    const store = new BlobStore(join(tempDir(), 'blobs'));
    const data = Buffer.alloc(1000, 7);
    expect(store.putBuffer(data).created).toBe(true);
    expect(store.putBuffer(data).created).toBe(false);
  });

  it('moves a spool file in, hashing while streaming, and leaves no temp files', async () => {
    const dir = tempDir();
    const store = new BlobStore(join(dir, 'blobs'));
    const spool = join(dir, 'page001.pnm');
    const data = Buffer.alloc(3 * 1024 * 1024, 1);
    writeFileSync(spool, data);
    const r = await store.putFile(spool, { move: true });
    expect(r.sha256).toBe(sha(data));
    expect(readdirSync(dir)).not.toContain('page001.pnm');
    expect(readdirSync(join(dir, 'blobs', 'tmp'))).toEqual([]);
    expect(await store.verify(r.sha256)).toBe(true);
  });

  it('detects a torn or altered blob on verified read', () => {
    const store = new BlobStore(join(tempDir(), 'blobs'));
    const r = store.putBuffer(Buffer.from('original bytes'));
    writeFileSync(store.pathOf(r.sha256), 'tampered bytes');
    expect(() => store.get(r.sha256, { verify: true })).toThrow(StationError);
    try {
      store.get(r.sha256, { verify: true });
    } catch (err) {
      expect((err as StationError).code).toBe('BLOB_CORRUPT');
    }
    expect(store.get(r.sha256).toString()).toBe('tampered bytes'); // unverified read returns what is there
  });

  it('reports a missing blob as BLOB_MISSING', () => {
    const store = new BlobStore(join(tempDir(), 'blobs'));
    expect(() => store.get('c'.repeat(64))).toThrow(expect.objectContaining({ code: 'BLOB_MISSING' }));
  });

  it('reports a full disk as DISK_FULL and leaves neither a partial blob nor a temp file (real 1 MB tmpfs)', () => {
    const mnt = tempDir();
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', mnt]);
    mounts.push(mnt);
    const root = join(mnt, 'blobs');
    mkdirSync(root);
    const store = new BlobStore(root);
    const small = store.putBuffer(Buffer.alloc(100_000, 3));
    const big = Buffer.alloc(2 * 1024 * 1024, 9);
    expect(() => store.putBuffer(big)).toThrow(expect.objectContaining({ code: 'DISK_FULL' }));
    expect(store.has(sha(big))).toBe(false);
    expect(readdirSync(join(root, 'tmp'))).toEqual([]);
    expect(store.get(small.sha256, { verify: true }).length).toBe(100_000);
  });
});
