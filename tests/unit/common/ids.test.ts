import { describe, expect, it } from 'vitest';
import { DRAFT_ID_PATTERN, draftId, newStationId, STATION_ID_PATTERN, ulid, ULID_PATTERN } from '../../../electron/common/ids';

describe('ids', () => {
  it('mints ULIDs that sort in creation order, even within one millisecond', () => {
    const t = Date.UTC(2026, 10, 25);
    const ids = Array.from({ length: 1000 }, () => ulid(t));
    expect(new Set(ids).size).toBe(1000);
    expect([...ids].sort()).toEqual(ids);
    for (const id of ids.slice(0, 5)) expect(id).toMatch(ULID_PATTERN);
  });

  it('encodes the time in the first 10 characters', () => {
    expect(ulid(Date.UTC(2026, 10, 25)).slice(0, 10) < ulid(Date.UTC(2026, 10, 26)).slice(0, 10)).toBe(true);
  });

  it('makes draft ids unique across stations by carrying the station id', () => {
    const a = newStationId();
    const b = newStationId();
    expect(a).toMatch(STATION_ID_PATTERN);
    const da = draftId(a);
    expect(da).toMatch(DRAFT_ID_PATTERN);
    expect(da.startsWith(`${a}-`)).toBe(true);
    expect(draftId(b).startsWith(`${b}-`)).toBe(true);
  });
});
