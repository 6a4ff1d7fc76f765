import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The station keeps its own SANE configuration in `<dataDir>/sane/`:
 *  - dll.conf: the system's backend list (SANE reads only the first dll.conf on its path) plus, in demo
 *    mode, the `test` backend;
 *  - test.conf (demo mode): the stock test.conf with A4 geometry (the stock file caps the height at 200 mm).
 * SANE_CONFIG_DIR is `<dataDir>/sane:` — the trailing colon appends the default path, so every other
 * backend's configuration (/etc/sane.d/*.conf) is still read.
 */
export interface SaneConfigOptions {
  dir: string;
  demo: boolean;
  systemDir?: string;
  /** Backends to load instead of the system's list (SOHOA_SANE_BACKENDS; tests use none but `test`). */
  backends?: string[];
}

const STOCK_TEST_CONF = `# test backend (written by SoHoa Station; stock values, A4 geometry)
number_of_devices 2
mode gray
hand-scanner false
three-pass false
three-pass-order RGB
resolution_min 1.0
resolution_max 1200.0
resolution_quant 1.0
resolution 50.0
depth 8
scan-source Flatbed
test-picture Solid black
invert-endianess false
read-limit false
read-limit-size 1
read-delay false
read-delay-duration 1000
read-status-code Default
ppl-loss 0
fuzzy-parameters false
non-blocking false
select-fd false
enable-test-options false
geometry_min 0.0
geometry_max 500.0
geometry_quant 1.0
tl_x 0.0
tl_y 0.0
br_x 210.0
br_y 297.0
`;

function writeIfChanged(file: string, text: string): void {
  if (existsSync(file) && readFileSync(file, 'utf8') === text) return;
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, text, { mode: 0o644 });
  renameSync(tmp, file);
}

/** The backends listed (uncommented) in the system's dll.conf. */
export function systemBackends(systemDir = '/etc/sane.d'): string[] {
  const file = join(systemDir, 'dll.conf');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .map((l) => l.replace(/#.*/, '').trim())
    .filter((l) => /^[A-Za-z0-9_-]+$/.test(l));
}

/** A4 test.conf: the system's file with the geometry lines rewritten, or the stock values if it is absent. */
export function a4TestConf(systemDir = '/etc/sane.d'): string {
  const file = join(systemDir, 'test.conf');
  const base = existsSync(file) ? readFileSync(file, 'utf8') : STOCK_TEST_CONF;
  return base
    .replace(/^geometry_max .*$/m, 'geometry_max 500.0')
    .replace(/^br_x .*$/m, 'br_x 210.0')
    .replace(/^br_y .*$/m, 'br_y 297.0');
}

export function writeSaneConfig(opts: SaneConfigOptions): { env: Record<string, string> } {
  const systemDir = opts.systemDir ?? '/etc/sane.d';
  mkdirSync(opts.dir, { recursive: true, mode: 0o700 });
  const backends = (opts.backends ?? systemBackends(systemDir)).filter((b) => b !== 'test');
  if (opts.demo) backends.push('test');
  writeIfChanged(
    join(opts.dir, 'dll.conf'),
    `# written by SoHoa Station at start-up (${opts.demo ? 'demo mode: test backend added' : 'system backends'})\n${backends.join('\n')}\n`,
  );
  if (opts.demo) writeIfChanged(join(opts.dir, 'test.conf'), a4TestConf(systemDir));
  return { env: { SANE_CONFIG_DIR: `${opts.dir}:` } };
}

/** SOHOA_SANE_BACKENDS="epson2,airscan" restricts the backends (listing all of them probes the network: ~3 s). */
export function backendsFromEnv(env: NodeJS.ProcessEnv = process.env): string[] | undefined {
  const v = env.SOHOA_SANE_BACKENDS;
  if (v === undefined) return undefined;
  return v
    .split(',')
    .map((b) => b.trim())
    .filter((b) => /^[A-Za-z0-9_-]+$/.test(b));
}
