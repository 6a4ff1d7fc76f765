// Bundles the `sohoa` command into dist/cli/bundle/ (npm run build:cli; scripts/start and scripts/test run it):
// ESM with code splitting, so each command's module (and the libraries it needs) loads only when that command
// runs. dist/cli/bundle/ is three folders below the app root, like electron/core/<x>/ in the sources, so the
// core finds migrations/ and resources/ by import.meta.url. npm packages stay external (node_modules) but for
// the pure-JS ones every station start loads (BUNDLED): one file instead of their many modules each resolved
// and read at start (zod alone: ≈ 50 ms of CPU from node_modules, ≈ 25 ms bundled).
// dist/cli/manifest.json lists every source file with its mtime and size: bin/sohoa.mjs runs the bundle only
// while they are unchanged, else the sources through tsx (a fresh checkout or an edited file still works).
import { build } from 'esbuild';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CLI_MANIFEST = 'dist/cli/manifest.json';
export const CLI_ENTRY = 'dist/cli/bundle/sohoa.mjs';
/** Pure-JS packages bundled in (no native addon, no files read beside their code; saxes brings xmlchars). */
const BUNDLED = new Set(['zod', 'saxes']);

/** Every npm package the CLI may import, but BUNDLED, with its subpaths: esbuild leaves them to node_modules. */
function externalPackages(root: string): string[] {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { dependencies?: Record<string, string>; devDependencies?: Record<string, string> };
  const names = Object.keys({ ...pkg.dependencies, ...pkg.devDependencies }).filter((n) => !BUNDLED.has(n));
  return names.flatMap((n) => [n, `${n}/*`]);
}

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
    external: externalPackages(root),
    metafile: true,
    logLevel: 'warning',
  });
  const inputs: Record<string, [number, number]> = {};
  // Bundled packages' files are not listed: they change only with package-lock.json, which is.
  for (const file of Object.keys(result.metafile.inputs).filter((f) => !f.startsWith('node_modules/'))) {
    const st = statSync(join(root, file));
    inputs[file] = [st.mtimeMs, st.size];
  }
  for (const file of ['package.json', 'package-lock.json', 'scripts/build-cli.ts']) {
    const st = statSync(join(root, file));
    inputs[file] = [st.mtimeMs, st.size];
  }
  mkdirSync(outDir, { recursive: true });
  rmSync(join(root, CLI_MANIFEST), { force: true });
  // Chunks move in one file at a time (each rename atomic), the entry last; old chunks are left in place. A
  // CLI started from the previous build keeps finding the chunks it imports lazily (a rebuild during the test
  // suite once removed the whole folder under a running `sohoa password`: "Cannot find module accounts-….mjs").
  const files = readdirSync(tmpDir).sort((a, b) => Number(a === 'sohoa.mjs') - Number(b === 'sohoa.mjs'));
  for (const f of files) renameSync(join(tmpDir, f), join(outDir, f));
  rmSync(tmpDir, { recursive: true, force: true });
  writeFileSync(join(root, CLI_MANIFEST), JSON.stringify({ entry: CLI_ENTRY, inputs }));
  return join(root, CLI_ENTRY);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const out = await buildCli();
  process.stdout.write(`built ${out}\n`);
}
