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

afterEach(() => {
  for (const d of perTest.splice(0)) rmSync(d, { recursive: true, force: true });
});

afterAll(() => {
  for (const d of perFile.splice(0)) rmSync(d, { recursive: true, force: true });
});
