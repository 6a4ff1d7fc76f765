/**
 * How many bytes to reserve for a signature's /Contents, from a dry run (as pyHanko does): the CMS is built
 * once with a dummy digest and a signature value of the key's largest size, plus — for B-T — a real timestamp
 * token the TSA granted for a dummy digest. The reserve is that size plus a small margin for what varies
 * between two tokens of one TSA (serial number, fractional genTime, nonce, an ECDSA value's length). Every
 * reserved byte is two hex digits in the file, so a fixed 16–32 KB reserve cost 30–60 KB per signature for
 * a CMS of ≈ 5 KB.
 */
import { X509Certificate } from 'node:crypto';
import { StationError } from '../../common/errors';
import { createLogger } from '../log/logger';
import { buildCms, sha256, type SignatureScheme, type SigningKey } from './cms';
import { requestTimestamp, type TsaOptions } from './tsa';

const log = createLogger('signing.reserve');

/**
 * Slack over the dry run: B-B varies by nothing but an ECDSA value (≤ 2 bytes); a token of the same TSA by a few
 * bytes (serial number, nonce, fractional genTime — each can lengthen the DER lengths around it). Every reserved
 * byte is two in the file; a larger change (a new TSA certificate) is caught and the signature made again.
 */
export const CMS_MARGIN = 16;
export const CMS_MARGIN_TS = 32;
/** Token size assumed when the TSA does not answer the dry run (the real request will most likely fail too). */
const TOKEN_FALLBACK = 8192;

/** Token sizes per TSA URL for this process: one dummy request per TSA, not one per signature. */
const tokenSizes = new Map<string, number>();

/** Size of a timestamp token from `tsa` (a dummy request the first time); null when the TSA does not answer. */
export async function timestampTokenSize(tsa: TsaOptions): Promise<number | null> {
  const known = tokenSizes.get(tsa.url);
  if (known !== undefined) return known;
  try {
    const ts = await requestTimestamp(tsa, sha256(Buffer.from('sohoa dry-run timestamp')));
    tokenSizes.set(tsa.url, ts.token.length);
    return ts.token.length;
  } catch (err) {
    if (err instanceof StationError && err.code === 'TSA_UNREACHABLE') return null;
    throw err;
  }
}

/** Drops a remembered token size (the real token did not fit: the TSA changed). */
export function forgetTimestampSize(url: string | undefined): void {
  if (url) tokenSizes.delete(url);
}

/** The largest signature value the key can produce, DER as CMS carries it. */
function maxSignatureLength(key: SigningKey): number {
  const details = new X509Certificate(key.certificate).publicKey.asymmetricKeyDetails;
  if (key.keyType === 'rsa') return Math.ceil((details?.modulusLength ?? 4096) / 8);
  const curveBytes: Record<string, number> = { prime256v1: 32, 'P-256': 32, secp384r1: 48, 'P-384': 48, secp521r1: 66, 'P-521': 66 };
  const n = curveBytes[details?.namedCurve ?? ''] ?? 66;
  // SEQUENCE { INTEGER r, INTEGER s }, each with a possible leading zero byte; long-form length past 127.
  const body = 2 * (2 + n + 1);
  return body + (body > 127 ? 3 : 2);
}

/** Bytes to reserve for the CMS of `key` (B-T when `tsa` is given). */
export async function reserveForCms(opts: { key: SigningKey; scheme: SignatureScheme; extraCerts: Buffer[]; tsa: TsaOptions | null }): Promise<number> {
  const sigLen = maxSignatureLength(opts.key);
  let tokenLen: number | null = null;
  if (opts.tsa) {
    tokenLen = await timestampTokenSize(opts.tsa);
    if (tokenLen === null) {
      log.warn('TSA did not answer the dry run: reserving a default token size', { url: opts.tsa.url });
      tokenLen = TOKEN_FALLBACK;
    }
  }
  const dryKey: SigningKey = {
    certificate: opts.key.certificate,
    chain: opts.key.chain,
    keyType: opts.key.keyType,
    sign: async () => Buffer.alloc(sigLen, 0x7f),
    close: () => undefined,
  };
  const dry = await buildCms({
    key: dryKey,
    scheme: opts.scheme,
    contentDigest: Buffer.alloc(32),
    extraCerts: opts.extraCerts,
    // A placeholder token of the right size: an OCTET STRING holding tokenLen − 4 bytes is tokenLen long.
    timestamp: tokenLen ? async () => placeholderDer(tokenLen) : undefined,
  });
  return dry.der.length + (opts.tsa ? CMS_MARGIN_TS : CMS_MARGIN);
}

/** A DER OCTET STRING of exactly `total` bytes (total ≥ 260), standing in for a token in the dry run. */
function placeholderDer(total: number): Buffer {
  const len = total - 4;
  return Buffer.concat([Buffer.from([0x04, 0x82, len >> 8, len & 0xff]), Buffer.alloc(len)]);
}
