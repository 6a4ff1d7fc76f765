import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/**
 * Password hashes: scrypt with its parameters in the string (`scrypt$N$r$p$salt$key`, base64url), so a
 * later, stronger setting verifies old hashes and re-hashes them at the next sign-in. N = 2^15, r = 8:
 * ~32 MB and ~0.1 s on a counter PC — slow for a guesser, quick for a clerk.
 */
export const SCRYPT_DEFAULT = { N: 1 << 15, r: 8, p: 1 } as const;
const KEY_LEN = 32;

function derive(password: string, salt: Buffer, o: { N: number; r: number; p: number }): Promise<Buffer> {
  const options: ScryptOptions = { N: o.N, r: o.r, p: o.p, maxmem: 128 * o.N * o.r * 2 };
  return new Promise((resolve, reject) => scrypt(password.normalize('NFC'), salt, KEY_LEN, options, (err, key) => (err ? reject(err) : resolve(key))));
}

export async function hashPassword(password: string, o: { N: number; r: number; p: number } = SCRYPT_DEFAULT): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, o);
  return `scrypt$${o.N}$${o.r}$${o.p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

export function parseHash(hash: string): { N: number; r: number; p: number; salt: Buffer; key: Buffer } | null {
  const m = /^scrypt\$(\d+)\$(\d+)\$(\d+)\$([\w-]+)\$([\w-]+)$/.exec(hash);
  if (!m) return null;
  return { N: Number(m[1]), r: Number(m[2]), p: Number(m[3]), salt: Buffer.from(m[4]!, 'base64url'), key: Buffer.from(m[5]!, 'base64url') };
}

export async function verifyPassword(password: string, hash: string): Promise<boolean> {
  const h = parseHash(hash);
  if (!h) return false;
  const key = await derive(password, h.salt, h);
  return key.length === h.key.length && timingSafeEqual(key, h.key);
}

/** True when the hash was made with weaker parameters than today's default (re-hash after a good sign-in). */
export function needsRehash(hash: string): boolean {
  const h = parseHash(hash);
  return !h || h.N < SCRYPT_DEFAULT.N || h.r < SCRYPT_DEFAULT.r;
}

/** The station's minimum: 10 characters (a passphrase is easier to type at the counter than symbols). */
export const MIN_PASSWORD_LENGTH = 10;
