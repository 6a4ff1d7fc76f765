import { readSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { StationError } from '../common/errors';
import type { Io } from './command';

const PROMPTS: Record<string, string> = {
  pin: 'Mã PIN thiết bị ký số / token PIN',
  password: 'Mật khẩu / password',
  'new-password': 'Mật khẩu mới / new password',
};

/**
 * Secrets never come as a flag value (it would show in `ps` and the shell history).
 */
/** Reads a secret: from the env var NAME (--pin-env), from file descriptor N (--pin-fd), or a hidden TTY prompt. */
export async function readSecret(io: Io, what: string, envName: string | undefined, fd: string | undefined): Promise<string> {
  if (envName) {
    const v = process.env[envName];
    if (v === undefined) throw new StationError('INVALID_REQUEST', `environment variable ${envName} is not set`);
    return v;
  }
  if (fd !== undefined) {
    const n = Number(fd);
    if (!Number.isInteger(n) || n < 0) throw new StationError('INVALID_REQUEST', `--${what}-fd needs a file descriptor number`);
    const buf = Buffer.alloc(1024);
    let len = 0;
    for (let tries = 0; ; ) {
      let r: number;
      try {
        r = readSync(n, buf, len, buf.length - len, null);
      } catch (err) {
        // A non-blocking pipe not written yet: wait a little (up to ~10 s).
        if ((err as NodeJS.ErrnoException).code !== 'EAGAIN' || ++tries > 1000) throw err;
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
        continue;
      }
      if (r === 0) break;
      len += r;
      if (buf.subarray(0, len).includes(0x0a) || len === buf.length) break;
    }
    return buf.toString('utf8', 0, len).replace(/\r?\n[\s\S]*$/, '');
  }
  if (!process.stdin.isTTY) throw new StationError('INVALID_REQUEST', `no ${what}: give --${what}-env NAME or --${what}-fd N, or run on a terminal`);
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  io.err(`${PROMPTS[what] ?? what}: `);
  (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput = () => {};
  const answer = await new Promise<string>((resolve) => rl.question('', resolve));
  rl.close();
  process.stderr.write('\n');
  return answer;
}

