import { lstatSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Private (0700) working folders of the tools outside the data directory (PDFBox Preflight, uploads on their
 * way to the importer, tesseract for OCR and for orientation, the CLI's SANE config). They hold plaintext copies of citizens' pages, so
 * they are removed after use — and, since a crash skips that, swept at the next start. The owner's pid is in
 * the name so a sweep only takes folders whose process is gone.
 */
export type TempKind = 'preflight' | 'upload' | 'ocr' | 'orient' | 'sane';

const PREFIX = 'sohoa-tool-';
const OWNED = /^sohoa-tool-(preflight|upload|ocr|orient|sane)-(\d+)-[A-Za-z0-9]{6}$/;
/** The names used before the owner's pid was recorded: swept by age only. */
const LEGACY = /^sohoa-(preflight|upload|ocr|orient|sane)-[A-Za-z0-9]{6}$/;
/** No tool run lasts this long: a folder this old is stale even if its pid now belongs to another process. */
const STALE_AGE_MS = 24 * 60 * 60 * 1000;
/** A legacy folder (no pid) younger than this may belong to a run in progress. */
const LEGACY_AGE_MS = 60 * 60 * 1000;

export function privateTempDir(kind: TempKind): string {
  // mkdtemp creates the folder 0700.
  return mkdtempSync(join(tmpdir(), `${PREFIX}${kind}-${process.pid}-`));
}

/** Whether a process with this pid exists (EPERM: it exists but belongs to another user). */
export function pidExists(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface SweepOptions {
  dir?: string;
  now?: number;
  alive?: (pid: number) => boolean;
}

/**
 * Removes the station's own stale tool folders from the OS temp folder: those whose owner process is gone,
 * and any older than a day. Only this user's folders (POSIX), only the names above; errors are skipped (a
 * folder another start removes meanwhile, one we may not delete). Returns the folders removed.
 */
export function sweepStaleTempDirs(opts: SweepOptions = {}): string[] {
  const dir = opts.dir ?? tmpdir();
  const now = opts.now ?? Date.now();
  const alive = opts.alive ?? pidExists;
  const uid = typeof process.getuid === 'function' ? process.getuid() : null;
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const owned = OWNED.exec(name);
    if (!owned && !LEGACY.test(name)) continue;
    const path = join(dir, name);
    try {
      const st = lstatSync(path);
      if (!st.isDirectory() || (uid !== null && st.uid !== uid)) continue;
      const age = now - st.mtimeMs;
      const stale = owned ? !alive(Number(owned[2])) || age > STALE_AGE_MS : age > LEGACY_AGE_MS;
      if (!stale) continue;
      rmSync(path, { recursive: true, force: true });
      removed.push(path);
    } catch {
      /* gone meanwhile, or not ours to remove */
    }
  }
  return removed;
}
