import type { ErrorCode } from '../../../electron/common/errors';
import type { DriverFault } from '../../types';

/** TWAIN return and condition codes (twain.h 2.x; scanner-protocols.md §3.5). */
export const TWRC = { SUCCESS: 0, FAILURE: 1, CHECKSTATUS: 2, CANCEL: 3, XFERDONE: 6, ENDOFLIST: 7 } as const;
export const TWCC = {
  SUCCESS: 0,
  BUMMER: 1,
  LOWMEMORY: 2,
  NODS: 3,
  MAXCONNECTIONS: 4,
  OPERATIONERROR: 5,
  BADCAP: 6,
  BADPROTOCOL: 9,
  BADVALUE: 10,
  SEQERROR: 11,
  BADDEST: 12,
  CAPUNSUPPORTED: 13,
  CAPBADOPERATION: 14,
  CAPSEQERROR: 15,
  DENIED: 16,
  PAPERJAM: 20,
  PAPERDOUBLEFEED: 21,
  FILEWRITEERROR: 22,
  CHECKDEVICEONLINE: 23,
  INTERLOCK: 24,
  NOMEDIA: 29,
} as const;

const NAMES = new Map<number, string>(Object.entries(TWCC).map(([k, v]) => [v, `TWCC_${k}`]));
export const twccName = (cc: number): string => NAMES.get(cc) ?? `TWCC_${cc}`;

/** A helper `error` event: the failed triplet, its return and condition codes and the TWAIN state then. */
export interface TwainFailure {
  twrc: number;
  twcc: number;
  state: number;
  triplet: string;
  seq: number;
  detail?: string;
}

/**
 * Station code for a TWAIN failure (scanner-protocols.md §4.2). `pages` counts pages of this load: a feeder
 * that runs out after some pages is the normal end, not a fault. CHECKDEVICEONLINE means offline before a
 * source is open (state ≤ 3, or MSG_OPENDS itself) and a lost connection after.
 */
export function twainFault(f: TwainFailure, ctx: { pages: number; midBatch: boolean }): DriverFault | 'feeder-empty' | 'cancelled' {
  if (f.twrc === TWRC.CANCEL) return 'cancelled';
  const details = { twrc: f.twrc, twcc: f.twcc, condition: twccName(f.twcc), state: f.state, triplet: f.triplet };
  const fault = (code: ErrorCode, message: string, continuable = true, extra: Record<string, unknown> = {}): DriverFault => ({
    code,
    message,
    seq: f.seq > 0 ? f.seq : null,
    continuable,
    details: { ...details, ...extra },
  });
  const opening = f.state <= 3 || f.triplet.endsWith('MSG_OPENDS');
  switch (f.twcc) {
    case TWCC.PAPERJAM:
      return fault('SCANNER_JAMMED', 'the document feeder jammed');
    case TWCC.PAPERDOUBLEFEED:
      return fault('SCANNER_JAMMED', 'the feeder took several sheets at once (double feed)', true, { doubleFeed: true });
    case TWCC.INTERLOCK:
      return fault('SCANNER_COVER_OPEN', 'a cover or door of the scanner is open');
    case TWCC.NOMEDIA:
      if (ctx.pages > 0) return 'feeder-empty';
      return fault('SCANNER_FEEDER_EMPTY', 'the document feeder is empty');
    case TWCC.MAXCONNECTIONS:
      return fault('DEVICE_BUSY', 'the scanner is in use by another program');
    case TWCC.NODS:
      return fault(ctx.midBatch ? 'DEVICE_VANISHED' : 'DEVICE_NOT_FOUND', 'no such TWAIN source');
    case TWCC.CHECKDEVICEONLINE:
      if (opening) return fault(ctx.midBatch ? 'DEVICE_VANISHED' : 'DEVICE_NOT_FOUND', 'the scanner is offline (turned off or unplugged)');
      return fault('SCANNER_IO_ERROR', 'the connection to the scanner was lost');
    case TWCC.LOWMEMORY:
      return fault('SCANNER_NO_MEMORY', 'the scanner driver ran out of memory');
    case TWCC.DENIED:
      return fault('SCANNER_ACCESS_DENIED', 'the scanner driver refused access');
    case TWCC.BADVALUE:
    case TWCC.BADCAP:
      return fault('INVALID_PROFILE', `the scanner refused a setting (${twccName(f.twcc)})`, false);
    default:
      // OPERATIONERROR: the source already told the user; BUMMER, SEQERROR…: nothing more specific to say.
      return fault('SCANNER_IO_ERROR', `TWAIN ${f.triplet} failed: ${twccName(f.twcc)}${f.detail ? ` (${f.detail})` : ''}`);
  }
}
