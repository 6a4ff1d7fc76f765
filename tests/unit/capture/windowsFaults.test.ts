import { describe, expect, it } from 'vitest';
import { TWCC, twainFault } from '../../../native-bridge/windows/twain/conditions';
import { parseHresult, WIA_HRESULT, wiaFault } from '../../../native-bridge/windows/wia/errors';

const fail = (twcc: number, state = 6, triplet = 'DG_IMAGE/DAT_IMAGEMEMXFER/MSG_GET') => ({ twrc: 1, twcc, state, triplet, seq: 5 });

describe('TWAIN condition codes → station codes', () => {
  it.each([
    [TWCC.PAPERJAM, 'SCANNER_JAMMED'],
    [TWCC.PAPERDOUBLEFEED, 'SCANNER_JAMMED'],
    [TWCC.INTERLOCK, 'SCANNER_COVER_OPEN'],
    [TWCC.MAXCONNECTIONS, 'DEVICE_BUSY'],
    [TWCC.LOWMEMORY, 'SCANNER_NO_MEMORY'],
    [TWCC.OPERATIONERROR, 'SCANNER_IO_ERROR'],
    [TWCC.BADVALUE, 'INVALID_PROFILE'],
  ])('TWCC %i → %s', (cc, code) => {
    const f = twainFault(fail(cc), { pages: 2, midBatch: false });
    expect(f).toMatchObject({ code, seq: 5 });
  });

  it('marks a double feed in the details', () => {
    expect(twainFault(fail(TWCC.PAPERDOUBLEFEED), { pages: 0, midBatch: false })).toMatchObject({ details: { doubleFeed: true, condition: 'TWCC_PAPERDOUBLEFEED' } });
  });

  it('TWCC_NOMEDIA is an empty feeder before the first page and the normal end after', () => {
    expect(twainFault(fail(TWCC.NOMEDIA), { pages: 0, midBatch: false })).toMatchObject({ code: 'SCANNER_FEEDER_EMPTY' });
    expect(twainFault(fail(TWCC.NOMEDIA), { pages: 3, midBatch: false })).toBe('feeder-empty');
  });

  it('TWCC_CHECKDEVICEONLINE is offline at MSG_OPENDS and a lost connection in state ≥ 4', () => {
    expect(twainFault(fail(TWCC.CHECKDEVICEONLINE, 3, 'DG_CONTROL/DAT_IDENTITY/MSG_OPENDS'), { pages: 0, midBatch: false })).toMatchObject({ code: 'DEVICE_NOT_FOUND' });
    expect(twainFault(fail(TWCC.CHECKDEVICEONLINE, 3, 'DG_CONTROL/DAT_IDENTITY/MSG_OPENDS'), { pages: 0, midBatch: true })).toMatchObject({ code: 'DEVICE_VANISHED' });
    expect(twainFault(fail(TWCC.CHECKDEVICEONLINE, 6), { pages: 1, midBatch: true })).toMatchObject({ code: 'SCANNER_IO_ERROR' });
  });

  it('TWRC_CANCEL is a cancel, not a fault', () => {
    expect(twainFault({ ...fail(0), twrc: 3 }, { pages: 1, midBatch: false })).toBe('cancelled');
  });
});

describe('WIA HRESULTs → station codes', () => {
  it('reads HRESULTs in hex and as PowerShell signed Int32', () => {
    expect(parseHresult('0x80210002')).toBe(0x80210002);
    expect(parseHresult(-2145320958)).toBe(0x80210002);
    expect(parseHresult('-2145320957')).toBe(0x80210003);
    expect(parseHresult('garbage')).toBeNull();
  });

  it.each([
    [WIA_HRESULT.WIA_ERROR_PAPER_JAM, 'SCANNER_JAMMED'],
    [WIA_HRESULT.WIA_ERROR_MULTI_FEED, 'SCANNER_JAMMED'],
    [WIA_HRESULT.WIA_ERROR_COVER_OPEN, 'SCANNER_COVER_OPEN'],
    [WIA_HRESULT.WIA_ERROR_COVER_OPEN_DOC_PAGE, 'SCANNER_COVER_OPEN'],
    [WIA_HRESULT.WIA_ERROR_BUSY, 'DEVICE_BUSY'],
    [WIA_HRESULT.WIA_ERROR_DEVICE_LOCKED, 'DEVICE_BUSY'],
    [WIA_HRESULT.WIA_ERROR_OFFLINE, 'DEVICE_NOT_FOUND'],
    [WIA_HRESULT.WIA_ERROR_DEVICE_COMMUNICATION, 'SCANNER_IO_ERROR'],
    [WIA_HRESULT.E_FAIL, 'SCANNER_IO_ERROR'],
  ])('0x%s → %s', (hr, code) => {
    expect(wiaFault(hr, { pages: 0, midBatch: false, seq: 1 })).toMatchObject({ code, seq: 1 });
  });

  it('PAPER_EMPTY: empty feeder before the first page, end of the load after; END_OF_MEDIA is an end', () => {
    expect(wiaFault(WIA_HRESULT.WIA_ERROR_PAPER_EMPTY, { pages: 0, midBatch: false, seq: 1 })).toMatchObject({ code: 'SCANNER_FEEDER_EMPTY' });
    expect(wiaFault(WIA_HRESULT.WIA_ERROR_PAPER_EMPTY, { pages: 2, midBatch: false, seq: 3 })).toBe('feeder-empty');
    expect(wiaFault(WIA_HRESULT.WIA_STATUS_END_OF_MEDIA, { pages: 2, midBatch: false, seq: 3 })).toBe('feeder-empty');
  });

  it('an offline scanner mid-batch has vanished (continuable)', () => {
    expect(wiaFault(WIA_HRESULT.WIA_ERROR_OFFLINE, { pages: 0, midBatch: true, seq: 4 })).toMatchObject({ code: 'DEVICE_VANISHED', continuable: true });
  });
});
