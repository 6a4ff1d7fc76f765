import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach } from 'vitest';

const perTest: string[] = [];
const perFile: string[] = [];

/**
 * A fresh temp directory, removed after the current test — or, with `scope: 'file'` (for beforeAll),
 * after the whole test file. Nothing is left behind.
 */
export function tempDir(prefix = 'sohoa-test-', opts: { scope?: 'test' | 'file' } = {}): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  (opts.scope === 'file' ? perFile : perTest).push(dir);
  return dir;
}

/** A station's key file lies beside its data directory (`<dir>.key`, docs/security.md): it goes too. */
function remove(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  rmSync(`${dir}.key`, { force: true });
}

afterEach(() => {
  for (const d of perTest.splice(0)) remove(d);
});

afterAll(() => {
  for (const d of perFile.splice(0)) remove(d);
});
