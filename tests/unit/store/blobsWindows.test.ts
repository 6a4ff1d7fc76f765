import { closeSync, fsyncSync, openSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultDataDir } from '../../../electron/core/station/dataDir';
import { BlobStore, type SyncOps } from '../../../electron/core/store/blobs';
import { tempDir } from '../../helpers/tmp';

/**
 * The blob store's Windows branches, with the platform injected: Windows itself did not run here. The double
 * behaves as Windows does (documented for FlushFileBuffers and CreateFile): fsync through a read-only handle
 * fails with EPERM, and a directory cannot be opened as a file at all.
 */
function windowsLike(platform: NodeJS.Platform = 'win32'): SyncOps & { opened: string[] } {
  const readOnly = new Set<number>();
  const opened: string[] = [];
  return {
    platform,
    opened,
    openSync(path, flags, mode) {
      opened.push(`${flags} ${path}`);
      if (platform === 'win32' && statSync(path, { throwIfNoEntry: false })?.isDirectory()) throw Object.assign(new Error(`EPERM: open '${path}'`), { code: 'EPERM' });
      const fd = openSync(path, flags, mode);
      if (flags === 'r') readOnly.add(fd);
      return fd;
    },
    fsyncSync(fd) {
      if (platform === 'win32' && readOnly.has(fd)) throw Object.assign(new Error('EPERM: operation not permitted, fsync'), { code: 'EPERM' });
      fsyncSync(fd);
    },
    closeSync(fd) {
      readOnly.delete(fd);
      closeSync(fd);
    },
  };
}

describe('blob store on Windows (platform injected; Windows itself did not run here)', () => {
  it('moves a spool page in, flushing it through a writable handle and skipping the directory fsync', async () => {
    const dir = tempDir('sohoa-blobs-win-');
    const ops = windowsLike();
    const store = new BlobStore(join(dir, 'blobs'), null, ops);
    const page = join(dir, 's000001.pnm');
    writeFileSync(page, 'P5\n2 1\n255\n\x00\xff', 'latin1');
    const put = await store.putFile(page, { move: true });
    expect(readFileSync(store.pathOf(put.sha256), 'latin1')).toBe('P5\n2 1\n255\n\x00\xff');
    expect(ops.opened).toContain(`r+ ${page}`);
    expect(ops.opened.some((o) => o.startsWith('r '))).toBe(false);
  });

  it('stores a buffer without opening a directory', () => {
    const dir = tempDir('sohoa-blobs-win-');
    const ops = windowsLike();
    const store = new BlobStore(join(dir, 'blobs'), null, ops);
    const put = store.putBuffer(Buffer.from('bản scan'));
    expect(store.get(put.sha256, { verify: true }).toString()).toBe('bản scan');
    expect(ops.opened.every((o) => o.startsWith('wx '))).toBe(true);
  });

  it('the double is faithful: a read-only fsync or a directory open fails as on Windows', () => {
    const dir = tempDir('sohoa-blobs-win-');
    const ops = windowsLike();
    const f = join(dir, 'x');
    writeFileSync(f, 'x');
    const fd = ops.openSync(f, 'r');
    expect(() => ops.fsyncSync(fd)).toThrow(/EPERM/);
    ops.closeSync(fd);
    expect(() => ops.openSync(dir, 'r')).toThrow(/EPERM/);
  });

  it('still fsyncs the directory after the rename on POSIX', async () => {
    const dir = tempDir('sohoa-blobs-posix-');
    const ops = windowsLike('linux');
    const store = new BlobStore(join(dir, 'blobs'), null, ops);
    const put = store.putBuffer(Buffer.from('page'));
    const shard = join(dir, 'blobs', put.sha256.slice(0, 2), put.sha256.slice(2, 4));
    expect(ops.opened).toContain(`r ${shard}`);
  });

  it('puts the data directory under %ProgramData% with a Windows path, drive letter or UNC', () => {
    expect(defaultDataDir({ ProgramData: 'D:\\ProgramData' }, 'win32')).toBe('D:\\ProgramData\\SoHoa Station');
    expect(defaultDataDir({ ProgramData: '\\\\fs01\\station' }, 'win32')).toBe('\\\\fs01\\station\\SoHoa Station');
    expect(defaultDataDir({}, 'win32')).toBe('C:\\ProgramData\\SoHoa Station');
  });
});
