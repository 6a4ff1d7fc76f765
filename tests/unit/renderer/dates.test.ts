import { describe, expect, it } from 'vitest';
import { formatDate, parseDate } from '../../../renderer/src/lib/dates';
import { componentInfoProblem } from '../../../renderer/src/lib/componentInfo';

describe('dates at the counter (dd/mm/yyyy whatever the locale)', () => {
  it('shows ISO dates as dd/mm/yyyy and reads dd/mm/yyyy back', () => {
    expect(formatDate('2026-03-09')).toBe('09/03/2026');
    expect(formatDate(null)).toBe('');
    expect(parseDate('9/3/2026')).toBe('2026-03-09');
    expect(parseDate('09-03-2026')).toBe('2026-03-09');
    expect(parseDate('31/12/2026')).toBe('2026-12-31');
  });

  it('refuses dates that do not exist and month-first American input beyond 12', () => {
    expect(parseDate('31/02/2026')).toBeNull();
    expect(parseDate('29/02/2025')).toBeNull();
    expect(parseDate('12/31/2026')).toBeNull();
    expect(parseDate('2026-03-09')).toBeNull();
    expect(parseDate('')).toBeNull();
  });

  it('checks the component details form before sending', () => {
    const ok = { validFrom: '01/01/2026', validTo: '31/12/2026', reuse: 'none' as const, replacedResultCode: '' };
    expect(componentInfoProblem(ok)).toBeNull();
    expect(componentInfoProblem({ ...ok, validFrom: '', validTo: '' })).toBeNull();
    expect(componentInfoProblem({ ...ok, validTo: '31/02/2026' })).toBe('info.bad.date');
    expect(componentInfoProblem({ ...ok, validTo: '31/12/2025' })).toBe('info.bad.order');
    expect(componentInfoProblem({ ...ok, reuse: 'reused_replaced' })).toBe('info.bad.replaced');
  });
});
