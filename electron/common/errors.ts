/**
 * Stable error codes. Logs, the CLI (--json) and the bridge carry the code; the UI maps it to text
 * (errorText.ts). Codes are never renamed once shipped: add new ones instead.
 */
export const ERROR_CODES = [
  // generic / boundary
  'INTERNAL',
  'INVALID_REQUEST',
  'UNKNOWN_METHOD',
  'NOT_FOUND',
  'CONFLICT',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'UNSUPPORTED',
  'CANCELLED',
  // data directory and store
  'DATA_DIR_UNWRITABLE',
  'DATA_DIR_LOCKED',
  'DISK_FULL',
  'DB_CORRUPT',
  'DB_NEWER_THAN_CODE',
  'DB_MIGRATION_FAILED',
  'BLOB_CORRUPT',
  'BLOB_MISSING',
  'SERVICE_UNREACHABLE',
  'BRIDGE_FILE_INVALID',
  // keys and the audit trail (encryption at rest)
  'KEY_MISSING',
  'KEY_INVALID',
  'KEY_INSECURE',
  'KEY_UNAVAILABLE',
  'AUDIT_CHAIN_BROKEN',
  'AUDIT_LOG_TRUNCATED',
  // OCR and sheet codes
  'OCR_FAILED',
  'QR_NOT_FOUND',
  'CCCD_QR_INVALID',
  'CCCD_QR_IME',
  'SHEET_CODE_UNREADABLE',
  'SHEET_CODE_FOREIGN',
  'SHEET_CODE_OTHER_STATION',
  'SHEET_CODE_UNKNOWN',
  // domain validation
  'INVALID_OWNER_ID',
  'INVALID_PROCEDURE_CODE',
  'UNKNOWN_PROCEDURE',
  'INVALID_PROFILE',
  'PROFILE_NOT_COMPLIANT',
  // scanners
  'DEVICE_NOT_FOUND',
  'DEVICE_BUSY',
  'DEVICE_VANISHED',
  'SCANNER_JAMMED',
  'SCANNER_FEEDER_EMPTY',
  'SCANNER_COVER_OPEN',
  'SCANNER_IO_ERROR',
  'SCANNER_HANG',
  'SCANNER_ACCESS_DENIED',
  'SCANNER_NO_MEMORY',
  'SCANNER_FAILED',
  'SCANNER_REPLY_MALFORMED',
  'SCANNER_CERT_NOT_TRUSTED',
  'SCANNER_CERT_CHANGED',
  'SCAN_IN_PROGRESS',
  'SCAN_JOB_NOT_FOUND',
  'SCAN_NOT_CONTINUABLE',
  // images and PDF
  'IMAGE_CORRUPT',
  'IMAGE_UNSUPPORTED',
  'IMAGE_TOO_LARGE',
  // page quality found by the analysis (warnings on a kept page, not failures)
  'PAGE_TOO_DARK',
  'PAGE_LOW_CONTRAST',
  'FILE_EMPTY',
  'FILE_NAME_INVALID',
  'FILE_TOO_LARGE',
  'PDF_ENCRYPTED',
  'PDF_JAVASCRIPT',
  'PDF_CORRUPT',
  'PDF_EMBEDDED_FILES',
  'PDF_TOO_MANY_PAGES',
  'PDF_NORMALISE_FAILED',
  'PDFA_INVALID',
  'TOOL_MISSING',
  'TOOL_TOO_OLD',
  // signing
  'PIN_INCORRECT',
  'PIN_LOCKED',
  'TOKEN_NOT_FOUND',
  'KEY_NOT_FOUND',
  'CERT_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_KEY_USAGE',
  'CERT_KEY_MISMATCH',
  'CERT_UNTRUSTED',
  'CERT_REVOKED',
  'P12_PASSWORD_INCORRECT',
  'P12_UNSUPPORTED',
  'TSA_UNREACHABLE',
  'SIGNATURE_INVALID',
  'DEMO_CERTIFICATE',
  // sync
  'OFFLINE',
  'SERVER_ERROR',
  'SERVER_REPLY_MALFORMED',
  'SERVER_REJECTED',
  'SERVER_RATE_LIMITED',
  'SERVER_AUTH_FAILED',
  'TLS_UNTRUSTED',
  'NOT_ENROLLED',
  'HASH_MISMATCH',
  'INSECURE_TRANSPORT',
  'SERVER_REDIRECTED',
  'SERVER_REPLY_TOO_LARGE',
  'TARGET_CONFIG_INVALID',
  'EXPORT_DIR_UNWRITABLE',
  // dossiers
  'DOSSIER_INCOMPLETE',
  'DOSSIER_NOT_EDITABLE',
  'DOSSIER_ABANDONED',
  // accounts and sessions
  'SIGN_IN_REQUIRED',
  'SIGN_IN_FAILED',
  'SIGN_IN_RATE_LIMITED',
  'SESSION_EXPIRED',
  'SESSION_LOCKED',
  'PASSWORD_CHANGE_REQUIRED',
  'SETUP_CODE_INVALID',
  'SETUP_DONE',
  'ACCOUNT_EXISTS',
  'PASSWORD_TOO_SHORT',
  'PASSWORD_REUSED',
  'LAST_ADMIN',
  // configuration and paths
  'PATH_NOT_LOCAL',
  'SIGNING_KEY_NOT_CONFIGURED',
  'TOKEN_MODULE_NOT_ALLOWED',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);
}

export interface ErrorPayload {
  code: ErrorCode;
  message: string;
  details?: Record<string, unknown>;
}

/** The one error type that crosses a boundary. `message` is for logs (English); the UI shows errorText(code). */
export class StationError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StationError';
    this.code = code;
    this.details = details;
  }

  toPayload(): ErrorPayload {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }
}

export function isStationError(err: unknown): err is StationError {
  return err instanceof StationError;
}

/** Anything thrown becomes a payload; unknown errors are INTERNAL and keep no stack for the client. */
export function toErrorPayload(err: unknown): ErrorPayload {
  if (err instanceof StationError) return err.toPayload();
  return { code: 'INTERNAL', message: err instanceof Error ? err.message : String(err) };
}
