import ExcelJS from 'exceljs';
import { StationError } from '../../common/errors';
import type { DossierFacts } from '../store/reports';

/**
 * Digitisation report (QĐ 468/QĐ-TTg and the provincial letters: counters are scored on the share of
 * dossiers digitised at intake and of results digitised, against targets per level — first 30/20/15 %
 * for province/district/commune, later 50/40/35 %; configurable in `report.targets`).
 *
 * Definitions (docs/reports.md):
 * - received: intake dossiers created in the period;
 * - digitised: received dossiers whose every required intake component has a document (and at least one
 *   component does) — "dossiers with all components digitised";
 * - components: intake components of received dossiers, and how many have a document;
 * - results digitised: result components with a document, in any dossier created in the period;
 *   result dossiers: dossiers of the period with at least one digitised result;
 * - digitisation rate = digitised / received; result rate = result dossiers / (received + result-purpose
 *   dossiers of the period); target = the procedure level's target (mixed levels: the strictest).
 */

export type Period = 'day' | 'month' | 'all';

export interface Targets {
  province: number;
  district: number;
  commune: number;
  ministry: number;
}

export const DEFAULT_TARGETS: Targets = { province: 30, district: 20, commune: 15, ministry: 30 };

export interface ReportOptions {
  period: Period;
  byProcedure: boolean;
  byClerk: boolean;
  targets: Targets;
  utcOffsetMinutes: number;
}

export interface ReportRow {
  period: string;
  procedureCode: string;
  procedureName: string;
  level: string;
  clerk: string;
  received: number;
  digitised: number;
  componentsTotal: number;
  componentsDigitised: number;
  resultsDigitised: number;
  resultDossiers: number;
  digitisationRate: number; // percent, 1 decimal
  resultRate: number; // percent, 1 decimal
  target: number; // percent
  meetsTarget: boolean;
}

export interface Report {
  from: string;
  to: string;
  period: Period;
  rows: ReportRow[];
  total: ReportRow;
}

/** Local day range [from, to] (YYYY-MM-DD, inclusive) → UTC ISO instants [fromIso, toIso). */
export function dayRange(from: string, to: string, utcOffsetMinutes: number): { fromIso: string; toIso: string } {
  const re = /^\d{4}-\d{2}-\d{2}$/;
  if (!re.test(from) || !re.test(to)) throw new StationError('INVALID_REQUEST', 'dates must be YYYY-MM-DD');
  const start = Date.parse(`${from}T00:00:00Z`) - utcOffsetMinutes * 60_000;
  const end = Date.parse(`${to}T00:00:00Z`) - utcOffsetMinutes * 60_000 + 86_400_000;
  if (Number.isNaN(start) || Number.isNaN(end) || end <= start) throw new StationError('INVALID_REQUEST', `bad date range ${from}..${to}`);
  return { fromIso: new Date(start).toISOString(), toIso: new Date(end).toISOString() };
}

function localDate(iso: string, utcOffsetMinutes: number): string {
  return new Date(Date.parse(iso) + utcOffsetMinutes * 60_000).toISOString().slice(0, 10);
}

const pct = (n: number, d: number): number => (d === 0 ? 0 : Math.round((n / d) * 1000) / 10);

function levelTarget(level: string, t: Targets): number {
  return (t as unknown as Record<string, number>)[level] ?? t.commune;
}

interface Acc {
  period: string;
  procedureCode: string;
  procedureName: string;
  levels: Set<string>;
  clerk: string;
  received: number;
  digitised: number;
  componentsTotal: number;
  componentsDigitised: number;
  resultsDigitised: number;
  resultDossiers: number;
  resultPurpose: number;
}

function newAcc(period: string, procedureCode: string, procedureName: string, clerk: string): Acc {
  return { period, procedureCode, procedureName, levels: new Set(), clerk, received: 0, digitised: 0, componentsTotal: 0, componentsDigitised: 0, resultsDigitised: 0, resultDossiers: 0, resultPurpose: 0 };
}

function add(a: Acc, f: DossierFacts): void {
  a.levels.add(f.level);
  if (f.purpose === 'intake') {
    a.received++;
    a.componentsTotal += f.intake_total;
    a.componentsDigitised += f.intake_digitised;
    if (f.intake_digitised > 0 && f.required_intake_digitised === f.required_intake_total) a.digitised++;
  } else {
    a.resultPurpose++;
  }
  a.resultsDigitised += f.result_digitised;
  if (f.result_digitised > 0) a.resultDossiers++;
}

function finish(a: Acc, targets: Targets): ReportRow {
  const target = a.levels.size === 0 ? targets.commune : Math.max(...[...a.levels].map((l) => levelTarget(l, targets)));
  const digitisationRate = pct(a.digitised, a.received);
  return {
    period: a.period,
    procedureCode: a.procedureCode,
    procedureName: a.procedureName,
    level: [...a.levels].sort().join('+'),
    clerk: a.clerk,
    received: a.received,
    digitised: a.digitised,
    componentsTotal: a.componentsTotal,
    componentsDigitised: a.componentsDigitised,
    resultsDigitised: a.resultsDigitised,
    resultDossiers: a.resultDossiers,
    digitisationRate,
    resultRate: pct(a.resultDossiers, a.received + a.resultPurpose),
    target,
    meetsTarget: a.received > 0 && digitisationRate >= target,
  };
}

/** Pure aggregation of dossier facts into report rows (sorted by period, procedure, clerk) and a total. */
export function aggregate(facts: DossierFacts[], from: string, to: string, o: ReportOptions): Report {
  const groups = new Map<string, Acc>();
  const total = newAcc('', '', '', '');
  for (const f of facts) {
    const period = o.period === 'all' ? `${from}..${to}` : o.period === 'day' ? localDate(f.created_at, o.utcOffsetMinutes) : localDate(f.created_at, o.utcOffsetMinutes).slice(0, 7);
    const proc = o.byProcedure ? f.procedure_code : '';
    const clerk = o.byClerk ? (f.clerk_name ?? f.clerk_id ?? '—') : '';
    const key = JSON.stringify([period, proc, clerk]);
    let a = groups.get(key);
    if (!a) {
      a = newAcc(period, proc, o.byProcedure ? f.procedure_name : '', clerk);
      groups.set(key, a);
    }
    add(a, f);
    add(total, f);
  }
  const rows = [...groups.values()]
    .sort((x, y) => x.period.localeCompare(y.period) || x.procedureCode.localeCompare(y.procedureCode) || x.clerk.localeCompare(y.clerk))
    .map((a) => finish(a, o.targets));
  total.period = `${from}..${to}`;
  return { from, to, period: o.period, rows, total: finish(total, o.targets) };
}

export const COLUMNS: { key: keyof ReportRow; vi: string; en: string }[] = [
  { key: 'period', vi: 'Kỳ', en: 'Period' },
  { key: 'procedureCode', vi: 'Mã TTHC', en: 'Procedure code' },
  { key: 'procedureName', vi: 'Tên thủ tục', en: 'Procedure' },
  { key: 'level', vi: 'Cấp', en: 'Level' },
  { key: 'clerk', vi: 'Cán bộ tiếp nhận', en: 'Clerk' },
  { key: 'received', vi: 'Hồ sơ tiếp nhận', en: 'Dossiers received' },
  { key: 'digitised', vi: 'Hồ sơ số hóa đủ', en: 'Dossiers fully digitised' },
  { key: 'componentsTotal', vi: 'Thành phần', en: 'Components' },
  { key: 'componentsDigitised', vi: 'Thành phần đã số hóa', en: 'Components digitised' },
  { key: 'resultsDigitised', vi: 'Kết quả đã số hóa', en: 'Results digitised' },
  { key: 'resultDossiers', vi: 'Hồ sơ có kết quả số hóa', en: 'Dossiers with digitised results' },
  { key: 'digitisationRate', vi: 'Tỷ lệ số hóa (%)', en: 'Digitisation rate (%)' },
  { key: 'resultRate', vi: 'Tỷ lệ số hóa kết quả (%)', en: 'Result rate (%)' },
  { key: 'target', vi: 'Chỉ tiêu (%)', en: 'Target (%)' },
  { key: 'meetsTarget', vi: 'Đạt chỉ tiêu', en: 'Meets target' },
];

function cell(v: string | number | boolean): string {
  let s = typeof v === 'boolean' ? (v ? 'x' : '') : String(v);
  // Text that a spreadsheet would run as a formula (a procedure or clerk name from a province file or an
  // account starting with = + - @, tab or CR) is kept as text with a leading apostrophe (OWASP CSV injection).
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** RFC 4180 CSV with a UTF-8 BOM (Excel opens Vietnamese text correctly), rows then a total line. */
export function toCsv(r: Report): string {
  const lines = [COLUMNS.map((c) => cell(`${c.vi} / ${c.en}`)).join(',')];
  for (const row of [...r.rows, { ...r.total, procedureName: 'Tổng cộng / Total' }]) lines.push(COLUMNS.map((c) => cell(row[c.key])).join(','));
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

export async function toXlsx(r: Report): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'SoHoa Station';
  const ws = wb.addWorksheet('Báo cáo số hóa');
  ws.addRow([`Báo cáo số hóa hồ sơ TTHC ${r.from} – ${r.to}`]);
  ws.getRow(1).font = { bold: true, size: 13 };
  ws.addRow(COLUMNS.map((c) => `${c.vi} / ${c.en}`));
  ws.getRow(2).font = { bold: true };
  for (const row of r.rows) ws.addRow(COLUMNS.map((c) => (typeof row[c.key] === 'boolean' ? (row[c.key] ? 'x' : '') : row[c.key])));
  const t = ws.addRow(COLUMNS.map((c) => (c.key === 'procedureName' ? 'Tổng cộng / Total' : typeof r.total[c.key] === 'boolean' ? (r.total[c.key] ? 'x' : '') : r.total[c.key])));
  t.font = { bold: true };
  ws.columns.forEach((col, i) => (col.width = i === 2 ? 48 : 16));
  const out = await wb.xlsx.writeBuffer();
  return Buffer.from(out as ArrayBuffer);
}
