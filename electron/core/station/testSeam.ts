/**
 * Named test seam, like the capture's SOHOA_TEST_FAULT_AT_SHEET: with SOHOA_TEST_PAUSE_AT=<name> the
 * process says on stderr that it reached <name> and blocks there, so a kill test can SIGKILL it at that
 * exact step (waiting on state, not on time). Without the variable it costs one comparison.
 */
export function pausePoint(name: string): void {
  if (process.env.SOHOA_TEST_PAUSE_AT !== name) return;
  process.stderr.write(`SOHOA_PAUSED ${name}\n`);
  for (;;) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
}
