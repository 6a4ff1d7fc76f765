import type { ErrorCode } from '../../electron/common/errors';

/**
 * scanimage exits with the SANE status number (toolchain.md §1). The station's codes, and whether a
 * Continue can help once the clerk acted.
 */
export const SANE_STATUS: Record<string, number> = {
  SANE_STATUS_GOOD: 0,
  SANE_STATUS_UNSUPPORTED: 1,
  SANE_STATUS_CANCELLED: 2,
  SANE_STATUS_DEVICE_BUSY: 3,
  SANE_STATUS_INVAL: 4,
  SANE_STATUS_EOF: 5,
  SANE_STATUS_JAMMED: 6,
  SANE_STATUS_NO_DOCS: 7,
  SANE_STATUS_COVER_OPEN: 8,
  SANE_STATUS_IO_ERROR: 9,
  SANE_STATUS_NO_MEM: 10,
  SANE_STATUS_ACCESS_DENIED: 11,
};

export interface MappedFault {
  code: ErrorCode;
  continuable: boolean;
}

export function faultForExit(status: number): MappedFault {
  switch (status) {
    case 3:
      return { code: 'DEVICE_BUSY', continuable: true };
    case 4:
      return { code: 'INVALID_PROFILE', continuable: false };
    case 6:
      return { code: 'SCANNER_JAMMED', continuable: true };
    case 7:
      return { code: 'SCANNER_FEEDER_EMPTY', continuable: true };
    case 8:
      return { code: 'SCANNER_COVER_OPEN', continuable: true };
    case 9:
      return { code: 'SCANNER_IO_ERROR', continuable: true };
    case 10:
      return { code: 'SCANNER_NO_MEMORY', continuable: true };
    case 11:
      return { code: 'SCANNER_ACCESS_DENIED', continuable: true };
    case 1:
      return { code: 'UNSUPPORTED', continuable: false };
    default:
      return { code: 'SCANNER_FAILED', continuable: true };
  }
}

/** The last `scanimage: …` line of stderr (the backend's own words), for logs and details. */
export function lastScanimageMessage(stderr: string): string {
  const lines = stderr.split(/[\r\n]+/).filter((l) => l.startsWith('scanimage:'));
  return lines.at(-1)?.replace(/^scanimage:\s*/, '') ?? '';
}

/**
 * The SANE status scanimage reported for the last sheet (`Scanned page N. (scanner status = S)`), when it is a
 * fault: not GOOD (0), EOF (5, a finished image) or NO_DOCS (7, an empty feeder). scanimage's exit code alone
 * cannot be trusted for it: after a sane_read error the test backend's reader can raise SIGPIPE twice, and
 * scanimage's handler then `_exit(0)`s ("received signal 13 … aborting") — a jam that exits 0 with no file,
 * which read as an empty feeder (measured: 2 runs of 6 on an idle machine, more under load).
 */
export function faultStatusOf(stderr: string): number | null {
  const all = [...stderr.matchAll(/\(scanner status = (\d+)\)/g)];
  const last = all.at(-1);
  const status = last ? Number(last[1]) : null;
  return status === null || status === 0 || status === 5 || status === 7 ? null : status;
}

/** `open of device X failed: …`: the device could not be opened at all. */
export function isOpenFailure(stderr: string): boolean {
  return /open of device .* failed/.test(stderr);
}

/** Test seam: SOHOA_TEST_FAULT_AT_SHEET="N:SANE_STATUS_X[,M:SANE_STATUS_Y]" → seq → status name. */
export function parseFaultSeam(value: string | undefined): Map<number, string> {
  const out = new Map<number, string>();
  if (!value) return out;
  for (const part of value.split(',')) {
    const m = /^\s*(\d+)\s*:\s*(SANE_STATUS_[A-Z_]+)\s*$/.exec(part);
    if (m && SANE_STATUS[m[2]!] !== undefined) out.set(Number(m[1]), m[2]!);
  }
  return out;
}
