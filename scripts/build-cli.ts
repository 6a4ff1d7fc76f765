// Bundles the `sohoa` command into dist/cli/bundle/ (npm run build:cli; scripts/start and scripts/test run it):
// ESM with code splitting, so each command's module (and the libraries it needs) loads only when that command
// runs. dist/cli/bundle/ is three folders below the app root, like electron/core/<x>/ in the sources, so the
// core finds migrations/ and resources/ by import.meta.url. npm packages stay external (node_modules).
// dist/cli/manifest.json lists every source file with its mtime and size: bin/sohoa.mjs runs the bundle only
// while they are unchanged, else the sources through tsx (a fresh checkout or an edited file still works).
import { build } from 'esbuild';
import { mkdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CLI_MANIFEST = 'dist/cli/manifest.json';
export const CLI_ENTRY = 'dist/cli/bundle/sohoa.mjs';

export async function buildCli(root: string = fileURLToPath(new URL('../', import.meta.url))): Promise<string> {
  const outDir = join(root, 'dist/cli/bundle');
  // Build beside the old bundle and swap, so a CLI started meanwhile never sees half a bundle.
  const tmpDir = `${outDir}.${process.pid}.tmp`;
  rmSync(tmpDir, { recursive: true, force: true });
  const result = await build({
    absWorkingDir: root,
    entryPoints: { sohoa: 'electron/cli/run.ts' },
    outdir: tmpDir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    metafile: true,
    logLevel: 'warning',
  });
  const inputs: Record<string, [number, number]> = {};
  for (const file of Object.keys(result.metafile.inputs)) {
    const st = statSync(join(root, file));
    inputs[file] = [st.mtimeMs, st.size];
  }
  for (const file of ['package.json', 'scripts/build-cli.ts']) {
    const st = statSync(join(root, file));
    inputs[file] = [st.mtimeMs, st.size];
  }
  mkdirSync(join(root, 'dist/cli'), { recursive: true });
  rmSync(join(root, CLI_MANIFEST), { force: true });
  rmSync(outDir, { recursive: true, force: true });
  renameSync(tmpDir, outDir);
  writeFileSync(join(root, CLI_MANIFEST), JSON.stringify({ entry: CLI_ENTRY, inputs }));
  return join(root, CLI_ENTRY);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const out = await buildCli();
  process.stdout.write(`built ${out}\n`);
}
