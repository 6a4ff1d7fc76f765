import { describe, expect, it } from 'vitest';
import { aggregate, DEFAULT_TARGETS, dayRange, toCsv } from '../../../electron/core/reports/digitisation';
import type { DossierFacts } from '../../../electron/core/store/reports';

/**
 * Hand-computed fixture (docs/reports.md): five dossiers in March 2026 at a commune counter.
 *  D1 khai sinh, Lan, 02/03: 3 intake comps all scanned (2 required), result scanned     → digitised, result
 *  D2 khai sinh, Lan, 02/03: 3 comps, 1 scanned (1 of 2 required)                          → not digitised
 *  D3 chứng thực, Lan, 02/03: 2 comps both scanned (1 required), result not scanned        → digitised
 *  D4 khai sinh, Minh, 2026-03-02T18:30Z = 01:30 on 03/03 local: nothing scanned           → not digitised
 *  D5 result dossier (khai sinh), Minh, 03/03 local: its result scanned                    → result
 */
const f = (o: Partial<DossierFacts> & Pick<DossierFacts, 'id' | 'created_at'>): DossierFacts => ({
  purpose: 'intake',
  procedure_code: '1.001193',
  procedure_name: 'Đăng ký khai sinh',
  level: 'commune',
  clerk_id: 'u-lan',
  clerk_name: 'Lan',
  intake_total: 3,
  intake_digitised: 0,
  required_intake_total: 2,
  required_intake_digitised: 0,
  result_total: 1,
  result_digitised: 0,
  ...o,
});
const FACTS: DossierFacts[] = [
  f({ id: 'D1', created_at: '2026-03-02T01:00:00.000Z', intake_digitised: 3, required_intake_digitised: 2, result_digitised: 1 }),
  f({ id: 'D2', created_at: '2026-03-02T02:00:00.000Z', intake_digitised: 1, required_intake_digitised: 1 }),
  f({ id: 'D3', created_at: '2026-03-02T03:00:00.000Z', procedure_code: '2.000815', procedure_name: 'Chứng thực bản sao', intake_total: 2, intake_digitised: 2, required_intake_total: 1, required_intake_digitised: 1 }),
  f({ id: 'D4', created_at: '2026-03-02T18:30:00.000Z', clerk_id: 'u-minh', clerk_name: 'Minh' }),
  f({ id: 'D5', created_at: '2026-03-03T02:00:00.000Z', clerk_id: 'u-minh', clerk_name: 'Minh', purpose: 'result', intake_total: 0, required_intake_total: 0, result_digitised: 1 }),
];
const OPTS = { byProcedure: true, byClerk: true, targets: DEFAULT_TARGETS, utcOffsetMinutes: 420 };

describe('digitisation report', () => {
  it('matches the hand-computed monthly figures per procedure and clerk, with the commune target of 15 %', () => {
    const r = aggregate(FACTS, '2026-03-01', '2026-03-31', { ...OPTS, period: 'month' });
    const pick = (x: (typeof r.rows)[number]) => [x.period, x.procedureCode, x.clerk, x.received, x.digitised, x.componentsTotal, x.componentsDigitised, x.resultsDigitised, x.resultDossiers, x.digitisationRate, x.resultRate, x.target, x.meetsTarget];
    expect(r.rows.map(pick)).toEqual([
      ['2026-03', '1.001193', 'Lan', 2, 1, 6, 4, 1, 1, 50, 50, 15, true],
      ['2026-03', '1.001193', 'Minh', 1, 0, 3, 0, 1, 1, 0, 50, 15, false],
      ['2026-03', '2.000815', 'Lan', 1, 1, 2, 2, 0, 0, 100, 0, 15, true],
    ]);
    expect(pick(r.total)).toEqual(['2026-03-01..2026-03-31', '', '', 4, 2, 11, 6, 2, 2, 50, 40, 15, true]);
  });

  it('puts a dossier received at 01:30 local time on that local day (UTC+7), not the UTC day', () => {
    const r = aggregate(FACTS, '2026-03-01', '2026-03-31', { ...OPTS, period: 'day', byProcedure: false });
    expect(r.rows.map((x) => [x.period, x.clerk, x.received])).toEqual([
      ['2026-03-02', 'Lan', 3],
      ['2026-03-03', 'Minh', 1],
    ]);
  });

  it('uses the configured target family (e.g. the later 50/40/35 %) for the procedure level', () => {
    const r = aggregate(FACTS, '2026-03-01', '2026-03-31', { ...OPTS, period: 'all', byProcedure: false, byClerk: false, targets: { province: 50, district: 40, commune: 35, ministry: 50 } });
    expect(r.rows).toHaveLength(1);
    expect(r.rows[0]).toMatchObject({ received: 4, digitised: 2, digitisationRate: 50, target: 35, meetsTarget: true });
    const strict = aggregate(FACTS, '2026-03-01', '2026-03-31', { ...OPTS, period: 'all', targets: { province: 60, district: 60, commune: 60, ministry: 60 } });
    expect(strict.total.meetsTarget).toBe(false);
  });

  it('converts a local date range to UTC instants', () => {
    expect(dayRange('2026-03-02', '2026-03-02', 420)).toEqual({ fromIso: '2026-03-01T17:00:00.000Z', toIso: '2026-03-02T17:00:00.000Z' });
  });

  it('exports CSV with a BOM, bilingual headers, quoted fields and a total line', () => {
    const csv = toCsv(aggregate(FACTS, '2026-03-01', '2026-03-31', { ...OPTS, period: 'month' }));
    expect(csv.startsWith('\uFEFFKỳ / Period,Mã TTHC / Procedure code,')).toBe(true);
    const lines = csv.trimEnd().split('\r\n');
    expect(lines).toHaveLength(5);
    expect(lines[1]).toBe('2026-03,1.001193,Đăng ký khai sinh,commune,Lan,2,1,6,4,1,1,50,50,15,x');
    expect(lines[4]).toContain('Tổng cộng / Total');
  });

  it('neutralises CSV cells a spreadsheet would run as formulas, and leaves numbers alone', () => {
    const evil = FACTS.map((x, i) => (i === 0 ? { ...x, clerk_name: '=HYPERLINK("http://x","y")', procedure_name: '+cmd|calc' } : x));
    const csv = toCsv(aggregate(evil, '2026-03-01', '2026-03-31', { ...OPTS, period: 'month' }));
    const line = csv.split('\r\n').find((l) => l.includes('HYPERLINK')) ?? '';
    expect(line).toContain(`"'=HYPERLINK(""http://x"",""y"")"`);
    expect(line).toContain(`,'+cmd|calc,`);
    for (const l of csv.split('\r\n')) expect(l.split(',').some((c) => /^[=+@]/.test(c))).toBe(false);
    expect(line.endsWith(',1,1,3,3,1,1,100,100,15,x')).toBe(true); // numbers are not touched
  });
});

