import type { DossierSummary } from '../../../electron/common/schemas';

export interface RateRow {
  code: string;
  name: string;
  received: number;
  digitised: number;
}

/**
 * Fallback when the service has no reports.digitisation yet: per procedure, dossiers received in
 * [from, to] (local dates, inclusive) and those with every required component digitised and signed.
 */
export function digitisationRows(dossiers: readonly DossierSummary[], from: string, to: string): RateRow[] {
  const rows = new Map<string, RateRow>();
  for (const d of dossiers) {
    const day = d.createdAt.slice(0, 10);
    if (day < from || day > to) continue;
    const row = rows.get(d.procedureCode) ?? { code: d.procedureCode, name: d.procedureName, received: 0, digitised: 0 };
    row.received += 1;
    if (d.missingRequired === 0 && d.state !== 'draft') row.digitised += 1;
    rows.set(d.procedureCode, row);
  }
  return [...rows.values()].sort((a, b) => a.code.localeCompare(b.code));
}
