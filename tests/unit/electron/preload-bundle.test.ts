import { join } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../helpers/cli';

describe('sandboxed preload', () => {
  it('bundles to a script that requires nothing but electron (a sandboxed preload gets no Node modules)', async () => {
    const out = await build({
      entryPoints: [join(ROOT, 'electron/preload/preload.ts')],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      external: ['electron'],
      write: false,
      logLevel: 'silent',
    });
    const code = out.outputFiles[0]!.text;
    const required = [...code.matchAll(/require\(["']([^"']+)["']\)/g)].map((m) => m[1]);
    expect([...new Set(required)]).toEqual(['electron']);
    // It exposes exactly one object to the page.
    expect([...code.matchAll(/exposeInMainWorld\(/g)]).toHaveLength(1);
  });
});
