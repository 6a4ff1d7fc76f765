import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCli } from '../../../scripts/build-cli';
// @ts-expect-error plain ESM helper of bin/sohoa.mjs (no types)
import { currentBundle } from '../../../bin/cli-bundle.mjs';
import { ROOT, SOHOA_BIN } from '../../helpers/cli';
import { cliSignIn } from '../../helpers/session';

let work: string;

function sohoa(args: string[], env: NodeJS.ProcessEnv = {}): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [SOHOA_BIN, ...args], { cwd: ROOT, env: { ...process.env, ...env }, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'sohoa-cli-bundle-'));
  await buildCli(ROOT);
}, 120_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the prebuilt sohoa bundle', () => {
  it('is used while its sources are unchanged and dropped as soon as one changes', () => {
    const root = join(work, 'fake-root');
    mkdirSync(join(root, 'dist/cli'), { recursive: true });
    mkdirSync(join(root, 'src'));
    const src = join(root, 'src/a.ts');
    writeFileSync(src, 'export const a = 1;\n');
    utimesSync(src, 1_700_000_000, 1_700_000_000);
    writeFileSync(join(root, 'dist/cli/manifest.json'), JSON.stringify({ entry: 'dist/cli/bundle/sohoa.mjs', inputs: { 'src/a.ts': [1_700_000_000_000, 20] } }));
    const rootUrl = pathToFileURL(`${root}/`);
    expect(String(currentBundle(rootUrl, {}))).toBe(String(new URL('dist/cli/bundle/sohoa.mjs', rootUrl)));
    expect(currentBundle(rootUrl, { SOHOA_CLI_FROM_SOURCE: '1' })).toBeNull();
    utimesSync(src, 1_700_000_001, 1_700_000_001); // touched (an edit, a checkout)
    expect(currentBundle(rootUrl, {})).toBeNull();
    rmSync(src);
    expect(currentBundle(rootUrl, {})).toBeNull();
  });

  it('is current right after the build and answers like the sources (help, version, a station command)', () => {
    expect(currentBundle(pathToFileURL(ROOT.endsWith('/') ? ROOT : `${ROOT}/`), {})).not.toBeNull();
    const fromBundle = sohoa(['--help']);
    const fromSource = sohoa(['--help'], { SOHOA_CLI_FROM_SOURCE: '1' });
    expect(fromBundle.code).toBe(0);
    expect(fromBundle.stdout).toBe(fromSource.stdout);
    expect(fromBundle.stdout).toContain('dossier list');
    expect(sohoa(['--version']).stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    const dataDir = join(work, 'data');
    cliSignIn(dataDir); // every station command needs a signed-in clerk (docs/accounts.md)
    const created = sohoa(['dossier', 'create', '--procedure', '1.001193', '--owner', '001099012345', '--owner-name', 'Nguyễn Văn A', '--json'], { SOHOA_DATA_DIR: dataDir });
    expect(created.code, created.stderr).toBe(0);
    const id = (JSON.parse(created.stdout) as { id: string }).id;
    const listed = sohoa(['dossier', 'list', '--json'], { SOHOA_DATA_DIR: dataDir });
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain(id);
  });

  it('runs image commands with bounded malloc when the caller set nothing, passing on their output and exit code', () => {
    const bad = join(work, 'not-an-image.png');
    writeFileSync(bad, 'plain text');
    const { MALLOC_ARENA_MAX: _a, MALLOC_TRIM_THRESHOLD_: _t, ...rest } = process.env;
    const r = spawnSync(process.execPath, [SOHOA_BIN, 'pdf', bad, '--out', join(work, 'x.pdf'), '--json'], { cwd: ROOT, env: rest, encoding: 'utf8', timeout: 120_000 });
    expect(r.status).toBe(1);
    expect(r.stdout + r.stderr).toContain('IMAGE_UNSUPPORTED');
  });
  it('starts a station command without the image, signing, export and token libraries (loaded only by the commands that use them)', () => {
    const dataDir = join(work, 'lazy');
    cliSignIn(dataDir);
    // A preload that lists, at exit, every CommonJS module the process loaded (ESM imports of CommonJS packages
    // go through the same cache): the native SQLite module must be there, the heavy libraries must not.
    const probe = join(work, 'probe.mjs');
    writeFileSync(
      probe,
      "import { createRequire } from 'node:module';\nimport { writeFileSync } from 'node:fs';\nconst require = createRequire(import.meta.url);\nprocess.on('exit', () => writeFileSync(process.env.SOHOA_PROBE_OUT, JSON.stringify(Object.keys(require.cache))));\n",
    );
    const loaded = (args: string[]): string[] => {
      const out = join(work, `loaded-${args.join('-')}.json`);
      const r = spawnSync(process.execPath, ['--import', pathToFileURL(probe).href, SOHOA_BIN, ...args], { cwd: ROOT, env: { ...process.env, SOHOA_DATA_DIR: dataDir, SOHOA_PROBE_OUT: out }, encoding: 'utf8', timeout: 120_000 });
      expect(r.status, r.stderr).toBe(0);
      return JSON.parse(readFileSync(out, 'utf8')) as string[];
    };
    const has = (mods: string[], pkg: string): boolean => mods.some((m) => m.includes(`/node_modules/${pkg}/`));
    const list = loaded(['dossier', 'list']);
    expect(has(list, 'better-sqlite3-multiple-ciphers')).toBe(true);
    for (const pkg of ['sharp', '@pdf-lib/fontkit', 'node-forge', 'jszip', 'pkcs11js', 'exceljs']) expect(has(list, pkg), pkg).toBe(false);
    expect(has(loaded(['--version']), 'better-sqlite3-multiple-ciphers')).toBe(false);
  }, 180_000);
});
