import { join } from 'node:path';
import { build } from 'esbuild';
import { ROOT } from '../../helpers/cli';

/**
 * Bundles a browser harness of renderer/harness/ (not part of the UI build) into one script for
 * page.addScriptTag: React in production mode, as the station serves it.
 */
export async function buildHarness(file: string): Promise<string> {
  const out = await build({
    entryPoints: [join(ROOT, 'renderer', 'harness', file)],
    bundle: true,
    write: false,
    format: 'iife',
    jsx: 'automatic',
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'silent',
  });
  return out.outputFiles[0]!.text;
}
