import { StationError, type ErrorCode } from '../../common/errors';

/**
 * Sync error classes. Retryable: the next attempt may succeed without anyone doing anything (network,
 * 5xx, 429, a garbled reply, a hash mismatch after a torn upload). Permanent: a person must act (the
 * server rejected the manifest, TLS trust, enrolment) — such rows still retry, on a slow cadence.
 */
const RETRYABLE: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'OFFLINE',
  'SERVER_ERROR',
  'SERVER_REPLY_MALFORMED',
  'SERVER_RATE_LIMITED',
  'HASH_MISMATCH',
  'SERVER_AUTH_FAILED',
]);

export function isRetryable(code: ErrorCode): boolean {
  return RETRYABLE.has(code);
}

/** Network-level failures (no HTTP reply) → OFFLINE (cannot reach) or SERVER_ERROR (reached, then lost). */
const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH', 'EHOSTDOWN', 'ENETDOWN']);

/** Node/OpenSSL verification failures: the server's certificate is not trusted by our CA set. */
const TLS_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'CERT_SIGNATURE_FAILURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'HOSTNAME_MISMATCH',
]);

export function networkError(err: unknown, url: string): StationError {
  const code = (err as NodeJS.ErrnoException | undefined)?.code ?? '';
  const message = err instanceof Error ? err.message : String(err);
  if (err instanceof StationError) return err;
  if (TLS_CODES.has(code)) {
    return new StationError('TLS_UNTRUSTED', `the server's TLS certificate is not trusted (${code}): ${message}`, { url, tls: code });
  }
  if (UNREACHABLE.has(code)) return new StationError('OFFLINE', `cannot reach ${url}: ${code}`, { url, net: code });
  return new StationError('SERVER_ERROR', `connection to ${url} failed: ${code || message}`, { url, net: code || message });
}

export function codeOf(err: unknown): ErrorCode {
  return err instanceof StationError ? err.code : 'INTERNAL';
}
