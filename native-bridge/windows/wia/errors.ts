import type { ErrorCode } from '../../../electron/common/errors';
import type { DriverFault } from '../../types';

/**
 * WIA HRESULTs (wia.h / Microsoft's WIA error-code page; scanner-protocols.md §2.5). From COVER_OPEN on the
 * SDK header and the documentation page disagree (0x80210010 vs 0x80210016…): both forms are accepted.
 */
export const WIA_HRESULT = {
  WIA_ERROR_GENERAL_ERROR: 0x80210001,
  WIA_ERROR_PAPER_JAM: 0x80210002,
  WIA_ERROR_PAPER_EMPTY: 0x80210003,
  WIA_ERROR_PAPER_PROBLEM: 0x80210004,
  WIA_ERROR_OFFLINE: 0x80210005,
  WIA_ERROR_BUSY: 0x80210006,
  WIA_ERROR_WARMING_UP: 0x80210007,
  WIA_ERROR_USER_INTERVENTION: 0x80210008,
  WIA_ERROR_ITEM_DELETED: 0x80210009,
  WIA_ERROR_DEVICE_COMMUNICATION: 0x8021000a,
  WIA_ERROR_INVALID_COMMAND: 0x8021000b,
  WIA_ERROR_INCORRECT_HARDWARE_SETTING: 0x8021000c,
  WIA_ERROR_DEVICE_LOCKED: 0x8021000d,
  WIA_ERROR_EXCEPTION_IN_DRIVER: 0x8021000e,
  WIA_ERROR_INVALID_DRIVER_RESPONSE: 0x8021000f,
  WIA_ERROR_COVER_OPEN: 0x80210010,
  WIA_ERROR_COVER_OPEN_DOC_PAGE: 0x80210016,
  WIA_ERROR_LAMP_OFF: 0x80210011,
  WIA_ERROR_LAMP_OFF_DOC_PAGE: 0x80210017,
  WIA_ERROR_MULTI_FEED: 0x80210014,
  WIA_ERROR_MULTI_FEED_DOC_PAGE: 0x80210020,
  WIA_S_NO_DEVICE_AVAILABLE: 0x80210015,
  WIA_STATUS_END_OF_MEDIA: 0x00210001,
  S_FALSE: 0x00000001,
  E_FAIL: 0x80004005,
  E_ACCESSDENIED: 0x80070005,
  E_OUTOFMEMORY: 0x8007000e,
  E_INVALIDARG: 0x80070057,
} as const;

const NAMES = new Map<number, string>(Object.entries(WIA_HRESULT).map(([k, v]) => [v, k.replace(/_DOC_PAGE$/, '')]));

/** An HRESULT as the helper prints it: "0x80210002", or PowerShell's signed Int32 (−2145320958). */
export function parseHresult(v: unknown): number | null {
  if (typeof v === 'number' && Number.isInteger(v)) return v >>> 0;
  if (typeof v === 'string') {
    const t = v.trim();
    if (/^0x[0-9a-f]{1,8}$/i.test(t)) return Number.parseInt(t.slice(2), 16) >>> 0;
    if (/^-?\d+$/.test(t)) return Number(t) >>> 0;
  }
  return null;
}

export const hresultHex = (hr: number): string => `0x${(hr >>> 0).toString(16).padStart(8, '0')}`;
export const hresultName = (hr: number): string => NAMES.get(hr >>> 0) ?? hresultHex(hr);

/**
 * Station code for a WIA HRESULT (scanner-protocols.md §4.2). PAPER_EMPTY after ≥ 1 page and END_OF_MEDIA are
 * the normal end of a feeder load, not faults.
 */
export function wiaFault(hr: number, ctx: { pages: number; midBatch: boolean; seq: number | null }): DriverFault | 'feeder-empty' | 'cancelled' {
  const h = hr >>> 0;
  const details = { hresult: hresultHex(h), name: hresultName(h) };
  const fault = (code: ErrorCode, message: string, continuable = true, extra: Record<string, unknown> = {}): DriverFault => ({
    code,
    message,
    seq: ctx.seq,
    continuable,
    details: { ...details, ...extra },
  });
  switch (h) {
    case WIA_HRESULT.WIA_STATUS_END_OF_MEDIA:
      return 'feeder-empty';
    case WIA_HRESULT.S_FALSE:
      return 'cancelled';
    case WIA_HRESULT.WIA_ERROR_PAPER_EMPTY:
      return ctx.pages > 0 ? 'feeder-empty' : fault('SCANNER_FEEDER_EMPTY', 'the document feeder is empty');
    case WIA_HRESULT.WIA_ERROR_PAPER_JAM:
      return fault('SCANNER_JAMMED', 'the document feeder jammed');
    case WIA_HRESULT.WIA_ERROR_MULTI_FEED:
    case WIA_HRESULT.WIA_ERROR_MULTI_FEED_DOC_PAGE:
      return fault('SCANNER_JAMMED', 'the feeder took several sheets at once (double feed)', true, { doubleFeed: true });
    case WIA_HRESULT.WIA_ERROR_COVER_OPEN:
    case WIA_HRESULT.WIA_ERROR_COVER_OPEN_DOC_PAGE:
      return fault('SCANNER_COVER_OPEN', 'a cover of the scanner is open');
    case WIA_HRESULT.WIA_ERROR_BUSY:
    case WIA_HRESULT.WIA_ERROR_DEVICE_LOCKED:
    case WIA_HRESULT.WIA_ERROR_WARMING_UP:
      return fault('DEVICE_BUSY', h === WIA_HRESULT.WIA_ERROR_WARMING_UP ? 'the scanner is warming up' : 'the scanner is in use');
    case WIA_HRESULT.WIA_ERROR_OFFLINE:
    case WIA_HRESULT.WIA_S_NO_DEVICE_AVAILABLE:
    case WIA_HRESULT.WIA_ERROR_ITEM_DELETED:
      return fault(ctx.midBatch || ctx.pages > 0 ? 'DEVICE_VANISHED' : 'DEVICE_NOT_FOUND', 'the scanner is offline (turned off or unplugged)');
    case WIA_HRESULT.E_ACCESSDENIED:
      return fault('SCANNER_ACCESS_DENIED', 'Windows refused access to the scanner');
    case WIA_HRESULT.E_OUTOFMEMORY:
      return fault('SCANNER_NO_MEMORY', 'the scanner driver ran out of memory');
    case WIA_HRESULT.E_INVALIDARG:
    case WIA_HRESULT.WIA_ERROR_INCORRECT_HARDWARE_SETTING:
      return fault('INVALID_PROFILE', 'the scanner driver refused the settings', false);
    default:
      // GENERAL_ERROR, DEVICE_COMMUNICATION, PAPER_PROBLEM, E_FAIL…: nothing more specific to tell the clerk.
      return fault('SCANNER_IO_ERROR', `WIA error ${hresultName(h)}`);
  }
}
