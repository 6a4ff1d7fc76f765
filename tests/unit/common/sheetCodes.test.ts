import { describe, expect, it } from 'vitest';
import { encodeSheetCode, parseSheetCode, stationOfDraft } from '../../../electron/common/sheetCodes';

const DRAFT = 'ST01ABCD-01JD6Z8R3M4N5P6Q7R8S9T0V1W';
const COMP = '01JD6Z8R3M4N5P6Q7R8S9T0V1X';

describe('sheet codes (cover and separator QR)', () => {
  it('round-trips the dossier and component codes and names the station of a draft', () => {
    for (const code of [{ kind: 'dossier', dossierId: DRAFT } as const, { kind: 'component', dossierId: DRAFT, componentId: COMP } as const]) {
      expect(parseSheetCode(encodeSheetCode(code))).toEqual({ ok: true, code });
    }
    expect(encodeSheetCode({ kind: 'dossier', dossierId: DRAFT })).toBe(`SOHOA1:D:${DRAFT}`);
    expect(stationOfDraft(DRAFT)).toBe('ST01ABCD');
  });

  it('tells a foreign QR from a damaged one of ours, never guessing', () => {
    expect(parseSheetCode('https://dichvucong.gov.vn/x')).toMatchObject({ ok: false, problem: 'FOREIGN_CODE' });
    expect(parseSheetCode('079203004567|025123456|Trần Văn An|15062003|Nam|addr|20052021')).toMatchObject({ ok: false, problem: 'FOREIGN_CODE' });
    expect(parseSheetCode(`SOHOA1:D:${DRAFT.slice(0, -1)}`)).toMatchObject({ ok: false, problem: 'DAMAGED_CODE' });
    expect(parseSheetCode(`SOHOA1:C:${DRAFT}`)).toMatchObject({ ok: false, problem: 'DAMAGED_CODE' });
    expect(parseSheetCode(`SOHOA1:C:${DRAFT}:${COMP}:x`)).toMatchObject({ ok: false, problem: 'DAMAGED_CODE' });
    expect(parseSheetCode(`SOHOA1:X:${DRAFT}`)).toMatchObject({ ok: false, problem: 'DAMAGED_CODE' });
  });
});
