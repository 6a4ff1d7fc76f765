import { SHA256_PATTERN } from '../../common/ids';
import { createCipheriv, createDecipheriv, createHash, randomBytes, type Hash } from 'node:crypto';
import { createReadStream, readdirSync } from 'node:fs';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, readSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { open, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { StationError } from '../../common/errors';
import { fsyncDir, fsyncFile, hostSyncOps, type SyncOps } from './durable';
import { fsError } from './fsError';
import { pausePoint } from './testSeam';

export type { SyncOps } from './durable';


export interface PutResult {
  sha256: string;
  size: number;
  /** false when an identical blob was already stored (content-addressed: stored once). */
  created: boolean;
}

/**
 * Encrypted blob file: magic 'SHB1', 12-byte nonce, AES-256-GCM ciphertext, 16-byte tag. The address
 * stays the sha256 of the plaintext; reading checks the tag (the file was not altered) and, with
 * `verify`, the hash (it is the blob asked for).
 */
const MAGIC = Buffer.from('SHB1', 'latin1');
const NONCE = 12;
const TAG = 16;
const OVERHEAD = MAGIC.length + NONCE + TAG;

function isEncryptedFile(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const b = Buffer.alloc(MAGIC.length);
    return readSync(fd, b, 0, b.length, 0) === b.length && b.equals(MAGIC);
  } finally {
    closeSync(fd);
  }
}

/**
 * Content-addressed blobs: `<root>/ab/cd/<sha256>`. Writes go temp file → fsync → rename → fsync dir, so a
 * blob either exists whole under its hash or not at all, whatever moment the power goes. With a key every
 * blob is stored encrypted; plaintext blobs of an earlier station are still read until `encryptExisting`
 * has rewritten them.
 */
export class BlobStore {
  private readonly tmpDir: string;

  constructor(
    readonly root: string,
    private readonly key: Buffer | null = null,
    private readonly ops: SyncOps = hostSyncOps,
  ) {
    this.tmpDir = join(root, 'tmp');
    try {
      mkdirSync(this.tmpDir, { recursive: true, mode: 0o700 });
    } catch (err) {
      throw fsError(err, `blob store ${root}`);
    }
  }

  get encrypted(): boolean {
    return this.key !== null;
  }

  /** Where the blob's file lies. With a key its content is ciphertext: readers use get/withPlainFile. */
  pathOf(sha256: string): string {
    if (!SHA256_PATTERN.test(sha256)) throw new StationError('INVALID_REQUEST', `not a sha256: ${sha256}`);
    return join(this.root, sha256.slice(0, 2), sha256.slice(2, 4), sha256);
  }

  has(sha256: string): boolean {
    return existsSync(this.pathOf(sha256));
  }

  private tmpName(): string {
    return join(this.tmpDir, `${process.pid}-${randomBytes(8).toString('hex')}.tmp`);
  }

  private storedSize(size: number): number {
    return this.key ? size + OVERHEAD : size;
  }

  private publish(tmp: string, sha256: string, size: number): PutResult {
    const target = this.pathOf(sha256);
    if (existsSync(target) && statSync(target).size === this.storedSize(size)) {
      rmSync(tmp, { force: true });
      return { sha256, size, created: false };
    }
    const dir = dirname(target);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    renameSync(tmp, target);
    fsyncDir(dir, this.ops);
    return { sha256, size, created: true };
  }

  /** Streams `chunks` into a new fsynced temp file, encrypting with the store's key, hashing the plaintext. */
  private async writeTmp(chunks: AsyncIterable<Buffer> | Iterable<Buffer>): Promise<{ tmp: string; sha256: string; size: number }> {
    const tmp = this.tmpName();
    const hash: Hash = createHash('sha256');
    let size = 0;
    const out = await open(tmp, 'wx', 0o600);
    try {
      const nonce = randomBytes(NONCE);
      const cipher = this.key ? createCipheriv('aes-256-gcm', this.key, nonce) : null;
      if (cipher) await out.write(Buffer.concat([MAGIC, nonce]));
      for await (const chunk of chunks) {
        hash.update(chunk);
        size += chunk.length;
        await out.write(cipher ? cipher.update(chunk) : chunk);
      }
      if (cipher) await out.write(Buffer.concat([cipher.final(), cipher.getAuthTag()]));
      await out.sync();
    } catch (err) {
      await out.close();
      await rm(tmp, { force: true });
      throw err;
    }
    await out.close();
    return { tmp, sha256: hash.digest('hex'), size };
  }

  putBuffer(data: Uint8Array): PutResult {
    const sha256 = createHash('sha256').update(data).digest('hex');
    const target = this.pathOf(sha256);
    if (existsSync(target) && statSync(target).size === this.storedSize(data.byteLength)) return { sha256, size: data.byteLength, created: false };
    const tmp = this.tmpName();
    try {
      const body = this.seal(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
      const fd = this.ops.openSync(tmp, 'wx', 0o600);
      try {
        let off = 0;
        while (off < body.byteLength) off += writeSync(fd, body, off, body.byteLength - off);
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

  private seal(data: Buffer): Buffer {
    if (!this.key) return data;
    const nonce = randomBytes(NONCE);
    const c = createCipheriv('aes-256-gcm', this.key, nonce);
    return Buffer.concat([MAGIC, nonce, c.update(data), c.final(), c.getAuthTag()]);
  }

  private open(sha256: string, stored: Buffer): Buffer {
    if (stored.length < OVERHEAD || !stored.subarray(0, MAGIC.length).equals(MAGIC)) return stored; // plaintext (not yet migrated)
    if (!this.key) throw new StationError('KEY_MISSING', `blob ${sha256} is encrypted and the store has no key`, { sha256 });
    try {
      const d = createDecipheriv('aes-256-gcm', this.key, stored.subarray(MAGIC.length, MAGIC.length + NONCE));
      d.setAuthTag(stored.subarray(stored.length - TAG));
      return Buffer.concat([d.update(stored.subarray(MAGIC.length + NONCE, stored.length - TAG)), d.final()]);
    } catch {
      throw new StationError('BLOB_CORRUPT', `blob ${sha256} fails its authentication tag`, { sha256 });
    }
  }

  /**
   * Stores a finished file (raw pages from the spool, tens of MB; PDFs), hashing and encrypting as it
   * streams. With `move` the source is removed once the blob is durable (unencrypted stores rename it).
   */
  async putFile(path: string, opts: { move?: boolean } = {}): Promise<PutResult> {
    try {
      if (opts.move && !this.key) {
        const hash = createHash('sha256');
        let size = 0;
        for await (const chunk of createReadStream(path)) {
          hash.update(chunk as Buffer);
          size += (chunk as Buffer).length;
        }
        // Flushed before it moves: its bytes, not only the rename, must survive a power cut (r+: see fsyncFile).
        fsyncFile(path, this.ops);
        const tmp = this.tmpName();
        renameSync(path, tmp);
        return this.publish(tmp, hash.digest('hex'), size);
      }
      const w = await this.writeTmp(createReadStream(path) as AsyncIterable<Buffer>);
      let put: PutResult;
      try {
        put = this.publish(w.tmp, w.sha256, w.size);
      } catch (err) {
        rmSync(w.tmp, { force: true });
        throw err;
      }
      if (opts.move) rmSync(path, { force: true });
      return put;
    } catch (err) {
      throw err instanceof StationError ? err : fsError(err, `storing ${path}`);
    }
  }

  /** Reads a blob; the tag is always checked, and with `verify` the hash too (a torn or altered file). */
  get(sha256: string, opts: { verify?: boolean } = {}): Buffer {
    const p = this.pathOf(sha256);
    let stored: Buffer;
    try {
      stored = readFileSync(p);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new StationError('BLOB_MISSING', `blob ${sha256} is missing`, { sha256 });
      throw fsError(err, `reading blob ${sha256}`);
    }
    const data = this.open(sha256, stored);
    if (opts.verify && createHash('sha256').update(data).digest('hex') !== sha256) {
      throw new StationError('BLOB_CORRUPT', `blob ${sha256} does not match its hash`, { sha256 });
    }
    return data;
  }

  /** Streams the plaintext of a blob (decrypting; the tag is checked when the stream ends). */
  async *stream(sha256: string): AsyncGenerator<Buffer> {
    const p = this.pathOf(sha256);
    if (!this.key || !isEncryptedFile(p)) {
      for await (const chunk of createReadStream(p)) yield chunk as Buffer;
      return;
    }
    const size = statSync(p).size;
    const head = Buffer.alloc(MAGIC.length + NONCE);
    const tag = Buffer.alloc(TAG);
    const fd = openSync(p, 'r');
    try {
      readSync(fd, head, 0, head.length, 0);
      readSync(fd, tag, 0, TAG, size - TAG);
    } finally {
      closeSync(fd);
    }
    const d = createDecipheriv('aes-256-gcm', this.key, head.subarray(MAGIC.length));
    d.setAuthTag(tag);
    if (size - TAG - 1 >= head.length) {
      for await (const chunk of createReadStream(p, { start: head.length, end: size - TAG - 1 })) yield d.update(chunk as Buffer);
    }
    try {
      yield d.final();
    } catch {
      throw new StationError('BLOB_CORRUPT', `blob ${sha256} fails its authentication tag`, { sha256 });
    }
  }

  /** Streams a blob's hash check without loading it whole (for large PDFs). */
  async verify(sha256: string): Promise<boolean> {
    const hash = createHash('sha256');
    try {
      for await (const chunk of this.stream(sha256)) hash.update(chunk);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
      if (err instanceof StationError && err.code === 'BLOB_CORRUPT') return false;
      throw err;
    }
    return hash.digest('hex') === sha256;
  }

  /**
   * Gives a tool that needs a file path (the PDF signer, the verifier) the plaintext: the blob's own file
   * when the store is not encrypted, else a private copy in the store's 0700 temp folder, removed after
   * use (and swept at the next start after a crash).
   */
  async withPlainFile<T>(sha256: string, fn: (path: string) => Promise<T> | T): Promise<T> {
    const p = this.pathOf(sha256);
    if (!existsSync(p)) throw new StationError('BLOB_MISSING', `blob ${sha256} is missing`, { sha256 });
    if (!this.key || !isEncryptedFile(p)) return fn(p);
    const tmp = this.tmpName();
    const out = await open(tmp, 'wx', 0o600);
    try {
      for await (const chunk of this.stream(sha256)) await out.write(chunk);
    } finally {
      await out.close();
    }
    try {
      return await fn(tmp);
    } finally {
      rmSync(tmp, { force: true });
    }
  }

  remove(sha256: string): void {
    rmSync(this.pathOf(sha256), { force: true });
  }

  /** Temp files left by a crash between write and rename are garbage: drop them at start-up. */
  cleanTmp(): void {
    rmSync(this.tmpDir, { recursive: true, force: true });
    mkdirSync(this.tmpDir, { recursive: true, mode: 0o700 });
  }

  /** Every stored blob's address (the two-level fan-out), for migration and audits. */
  *list(): Generator<string> {
    const levels = (dir: string): string[] => (existsSync(dir) ? readdirSync(dir).filter((n) => /^[0-9a-f]{2}$/.test(n)) : []);
    for (const a of levels(this.root)) {
      for (const b of levels(join(this.root, a))) {
        for (const name of readdirSync(join(this.root, a, b))) if (SHA256_PATTERN.test(name)) yield name;
      }
    }
  }

  /**
   * Rewrites every plaintext blob encrypted (an earlier station migrating in place). Each file is replaced
   * by rename after its encrypted copy is durable and its plaintext hash checked, so a kill at any moment
   * leaves every blob whole, plaintext or encrypted; running it again continues. Returns the count.
   */
  encryptExisting(onEach?: (sha256: string) => void): number {
    if (!this.key) return 0;
    let done = 0;
    for (const sha of this.list()) {
      const p = this.pathOf(sha);
      if (isEncryptedFile(p)) continue;
      const data = readFileSync(p);
      if (createHash('sha256').update(data).digest('hex') !== sha) {
        throw new StationError('BLOB_CORRUPT', `blob ${sha} does not match its hash; left as it is`, { sha256: sha });
      }
      const tmp = this.tmpName();
      const fd = openSync(tmp, 'wx', 0o600);
      try {
        const body = this.seal(data);
        let off = 0;
        while (off < body.length) off += writeSync(fd, body, off, body.length - off);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      pausePoint(`encrypt-blob-${done + 1}-before-rename`);
      renameSync(tmp, p);
      fsyncDir(dirname(p), this.ops);
      done++;
      onEach?.(sha);
      pausePoint(`encrypt-blob-${done}`);
    }
    return done;
  }
}
