import { closeSync, fsyncSync, openSync } from 'node:fs';

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
