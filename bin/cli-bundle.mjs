// Which prebuilt `sohoa` bundle to run, if any (see scripts/build-cli.ts): the one in ROOT/dist/cli/ while every
// file it was built from has the size and mtime the manifest recorded; null otherwise (run the sources).
import { readFileSync, statSync } from 'node:fs';

/** @returns {URL | null} */
export function currentBundle(/** @type {URL} */ root, env = process.env) {
  if (env.SOHOA_CLI_FROM_SOURCE === '1') return null;
  try {
    const manifest = JSON.parse(readFileSync(new URL('dist/cli/manifest.json', root), 'utf8'));
    for (const [file, [mtimeMs, size]] of Object.entries(manifest.inputs)) {
      const st = statSync(new URL(file, root));
      if (st.mtimeMs !== mtimeMs || st.size !== size) return null;
    }
    return new URL(manifest.entry, root);
  } catch {
    return null;
  }
}
