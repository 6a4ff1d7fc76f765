import type { ErrorCode } from '../../electron/common/errors';
import type { EsclStatus } from './caps';

/**
 * Why a NextDocument failed, read from ScannerStatus as sane-airscan does (scanner-protocols.md §1.4, §4.2): on a
 * Feeder job a non-Loaded AdfState wins, then State (Processing/Testing = busy), then the HTTP status.
 */
const JAM = new Set(['ScannerAdfJam', 'ScannerAdfMispick', 'ScannerAdfMultipickDetected', 'ScannerAdfDuplexPageTooShort', 'ScannerAdfDuplexPageTooLong']);
const COVER = new Set(['ScannerAdfHatchOpen', 'ScannerAdfDoorOpen']);
const EMPTY = new Set(['ScannerAdfEmpty']);

export function faultFromStatus(status: EsclStatus | null, httpStatus: number, feeder: boolean, pages: number): ErrorCode | 'end' {
  const adf = status?.adfState ?? null;
  if (feeder && adf !== null) {
    if (JAM.has(adf)) return 'SCANNER_JAMMED';
    if (COVER.has(adf)) return 'SCANNER_COVER_OPEN';
    if (EMPTY.has(adf)) return pages > 0 ? 'end' : 'SCANNER_FEEDER_EMPTY';
    if (adf === 'ScannerAdfInputTrayFailed' || adf === 'ScannerAdfInputTrayOverloaded') return 'SCANNER_IO_ERROR';
  }
  if (status && (status.state === 'Processing' || status.state === 'Testing') && httpStatus === 503) return 'DEVICE_BUSY';
  if (status?.state === 'Down') return 'DEVICE_VANISHED';
  if (httpStatus === 503) return 'DEVICE_BUSY';
  return 'SCANNER_IO_ERROR';
}
