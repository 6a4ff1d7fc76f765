import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { StationError } from '../../common/errors';
import { fsError } from '../station/dataDir';

const HASH = /^[0-9a-f]{64}$/;

export interface PutResult {
  sha256: string;
  size: number;
  /** false when an identical blob was already stored (content-addressed: stored once). */
  created: boolean;
}

/** The file-descriptor calls whose behaviour differs on Windows; injectable so both branches are tested anywhere. */
export interface SyncOps {
  platform: NodeJS.Platform;
  openSync(path: string, flags: string, mode?: number): number;
  fsyncSync(fd: number): void;
  closeSync(fd: number): void;
}

export const hostSyncOps: SyncOps = { platform: process.platform, openSync, fsyncSync, closeSync };

/**
 * Flushes an existing file to disk. Windows' FlushFileBuffers needs a handle opened for writing — fsync on a
 * read-only descriptor fails with EPERM there — so the file is opened read-write (never truncated).
 */
export function fsyncFile(path: string, ops: SyncOps = hostSyncOps): void {
  const fd = ops.openSync(path, 'r+');
  try {
    ops.fsyncSync(fd);
  } finally {
    ops.closeSync(fd);
  }
}

/**
 * Makes a rename durable on POSIX (fsync of the directory). Windows cannot open a directory as a file
 * (EISDIR/EPERM) and NTFS journals the rename itself, so there it is skipped.
 */
export function fsyncDir(dir: string, ops: SyncOps = hostSyncOps): void {
  if (ops.platform === 'win32') return;
  const fd = ops.openSync(dir, 'r');
  try {
    ops.fsyncSync(fd);
  } finally {
    ops.closeSync(fd);
  }
}

/**
 * Content-addressed blobs: `<root>/ab/cd/<sha256>`. Writes go temp file → fsync → rename → fsync dir, so a
 * blob either exists whole under its hash or not at all, whatever moment the power goes.
 */
export class BlobStore {
  private readonly tmpDir: string;

  constructor(
    readonly root: string,
    private readonly ops: SyncOps = hostSyncOps,
  ) {
    this.tmpDir = join(root, 'tmp');
    try {
      mkdirSync(this.tmpDir, { recursive: true, mode: 0o700 });
    } catch (err) {
      throw fsError(err, `blob store ${root}`);
    }
  }

  pathOf(sha256: string): string {
    if (!HASH.test(sha256)) throw new StationError('INVALID_REQUEST', `not a sha256: ${sha256}`);
    return join(this.root, sha256.slice(0, 2), sha256.slice(2, 4), sha256);
  }

  has(sha256: string): boolean {
    return existsSync(this.pathOf(sha256));
  }

  private tmpName(): string {
    return join(this.tmpDir, `${process.pid}-${randomBytes(8).toString('hex')}.tmp`);
  }

  private publish(tmp: string, sha256: string, size: number): PutResult {
    const target = this.pathOf(sha256);
    if (existsSync(target) && statSync(target).size === size) {
      rmSync(tmp, { force: true });
      return { sha256, size, created: false };
    }
    const dir = dirname(target);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    renameSync(tmp, target);
    fsyncDir(dir, this.ops);
    return { sha256, size, created: true };
  }

  putBuffer(data: Uint8Array): PutResult {
    const sha256 = createHash('sha256').update(data).digest('hex');
    const target = this.pathOf(sha256);
    if (existsSync(target) && statSync(target).size === data.byteLength) return { sha256, size: data.byteLength, created: false };
    const tmp = this.tmpName();
    try {
      const fd = this.ops.openSync(tmp, 'wx', 0o600);
      try {
        let off = 0;
        while (off < data.byteLength) off += writeSync(fd, data, off, data.byteLength - off);
        this.ops.fsyncSync(fd);
      } finally {
        this.ops.closeSync(fd);
      }
      return this.publish(tmp, sha256, data.byteLength);
    } catch (err) {
      rmSync(tmp, { force: true });
      throw err instanceof StationError ? err : fsError(err, 'storing blob');
    }
  }

  /**
   * Moves (or copies) a finished file into the store, hashing it as it streams — for raw pages from the
   * spool, which may be tens of MB. With `move`, a file on the same filesystem is renamed, not copied.
   */
  async putFile(path: string, opts: { move?: boolean } = {}): Promise<PutResult> {
    const hash = createHash('sha256');
    let size = 0;
    const tmp = this.tmpName();
    try {
      if (opts.move) {
        for await (const chunk of createReadStream(path)) {
          hash.update(chunk as Buffer);
          size += (chunk as Buffer).length;
        }
        // The spool file is flushed before it moves: its bytes, not only the rename, must survive a power cut.
        fsyncFile(path, this.ops);
        await rename(path, tmp);
      } else {
        const out = await open(tmp, 'wx', 0o600);
        try {
          for await (const chunk of createReadStream(path)) {
            hash.update(chunk as Buffer);
            size += (chunk as Buffer).length;
            await out.write(chunk as Buffer);
          }
          await out.sync();
        } finally {
          await out.close();
        }
      }
      return this.publish(tmp, hash.digest('hex'), size);
    } catch (err) {
      await rm(tmp, { force: true });
      throw err instanceof StationError ? err : fsError(err, `storing ${path}`);
    }
  }

  /** Reads a blob; with `verify` recomputes its hash and refuses a torn or altered file. */
  get(sha256: string, opts: { verify?: boolean } = {}): Buffer {
    const p = this.pathOf(sha256);
    let data: Buffer;
    try {
      data = readFileSync(p);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new StationError('BLOB_MISSING', `blob ${sha256} is missing`, { sha256 });
      throw fsError(err, `reading blob ${sha256}`);
    }
    if (opts.verify && createHash('sha256').update(data).digest('hex') !== sha256) {
      throw new StationError('BLOB_CORRUPT', `blob ${sha256} does not match its hash`, { sha256 });
    }
    return data;
  }

  /** Streams a blob's hash check without loading it whole (for large PDFs). */
  async verify(sha256: string): Promise<boolean> {
    const hash = createHash('sha256');
    try {
      for await (const chunk of createReadStream(this.pathOf(sha256))) hash.update(chunk as Buffer);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw err;
    }
    return hash.digest('hex') === sha256;
  }

  remove(sha256: string): void {
    rmSync(this.pathOf(sha256), { force: true });
  }

  /** Temp files left by a crash between write and rename are garbage: drop them at start-up. */
  cleanTmp(): void {
    rmSync(this.tmpDir, { recursive: true, force: true });
    mkdirSync(this.tmpDir, { recursive: true, mode: 0o700 });
  }
}
