// Bundles the Electron shell into dist/electron/ (npm run build:electron):
//   main/main.js (CJS), preload/preload.js (CJS, requires only electron: a sandboxed preload),
//   main/serviceProcess.mjs (ESM: the core locates migrations/ and resources/ by import.meta.url, and
//   dist/electron/main/ is three folders below the app root, like electron/core/<x>/ in the sources).
// npm packages stay external (electron-builder ships node_modules; native ones are rebuilt for Electron).
import { build, type BuildOptions } from 'esbuild';
import { fileURLToPath } from 'node:url';

export async function buildElectron(outRoot: string = fileURLToPath(new URL('../dist/electron/', import.meta.url))): Promise<string> {
  const root = fileURLToPath(new URL('../', import.meta.url));
  const common: BuildOptions = { bundle: true, platform: 'node', target: 'node20', logLevel: 'warning', sourcemap: false, absWorkingDir: root };
  await build({ ...common, entryPoints: ['electron/main/main.ts'], outfile: `${outRoot}/main/main.js`, format: 'cjs', packages: 'external' });
  await build({ ...common, entryPoints: ['electron/preload/preload.ts'], outfile: `${outRoot}/preload/preload.js`, format: 'cjs', external: ['electron'] });
  await build({ ...common, entryPoints: ['electron/main/serviceProcess.ts'], outfile: `${outRoot}/main/serviceProcess.mjs`, format: 'esm', packages: 'external' });
  return outRoot;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const out = await buildElectron(process.argv[2]);
  process.stdout.write(`built ${out}\n`);
}
