#!/usr/bin/env node
// `sohoa`: runs the prebuilt bundle (dist/cli/, `npm run build:cli`) while every source file it was built from
// is unchanged, else the TypeScript sources through tsx — a fresh checkout or an edited file still works, only
// slower to start. SOHOA_CLI_FROM_SOURCE=1 forces the sources.
//
// Commands that code images (pdf, assemble, import, scan) and the service (serve: it assembles and signs for the
// clerks all day) need glibc's malloc tunables, which only work when set before the process starts (libvips'
// threads each keep an arena otherwise: ≈ 360 MB instead of ≈ 250 MB for a long assembly, docs/pdf.md): when
// the caller did not set them, the command runs in a child process that has them, whatever started `sohoa`
// (a systemd unit, a terminal, an IT script). The service's bridge.json then names the child's pid. Other
// commands start directly (no second Node start).
import { spawn } from 'node:child_process';
import { currentBundle } from './cli-bundle.mjs';

const MEMORY_BOUND_COMMANDS = new Set(['pdf', 'assemble', 'import', 'scan', 'serve']);
const MALLOC_TUNABLES = { MALLOC_ARENA_MAX: '2', MALLOC_TRIM_THRESHOLD_: '1048576' };

if (MEMORY_BOUND_COMMANDS.has(process.argv[2] ?? '') && process.env.MALLOC_ARENA_MAX === undefined) {
  const child = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, ...MALLOC_TUNABLES },
  });
  // Ctrl-C reaches the child through the terminal (same process group; passing it on would make it a second
  // Ctrl-C, which ends a scan without its clean cancel and a service without closing its database): this
  // process only waits. SIGTERM/SIGHUP sent to this process alone are passed on.
  process.on('SIGINT', () => undefined);
  for (const sig of ['SIGTERM', 'SIGHUP']) process.on(sig, () => child.kill(sig));
  child.on('exit', (code, signal) => {
    if (signal) {
      process.removeAllListeners(signal);
      process.kill(process.pid, signal);
    } else process.exit(code ?? 1);
  });
} else await start();

async function start() {
  const bundle = currentBundle(new URL('../', import.meta.url));
  if (bundle) await import(bundle.href);
  else {
    const { register } = await import('tsx/esm/api');
    register();
    await import('../electron/cli/run.ts');
  }
}
