import { useState } from 'react';
import type { DossierSummary } from '../../../electron/common/schemas';
import { useQuery } from '../api/context';
import { ErrorBox } from '../components/ErrorBox';
import { useI18n } from '../i18n/context';
import { digitisationRows, type RateRow } from '../lib/report';

/** YYYY-MM-DD of a local date (the counter's day, not UTC's). */
export function localDay(d: Date): string {
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

function monthStart(d: Date): string {
  return localDay(new Date(d.getFullYear(), d.getMonth(), 1));
}

/** Digitisation rate per procedure for a period, as a table and a bar chart (plain SVG). */
export function Reports() {
  const { t } = useI18n();
  const [from, setFrom] = useState(monthStart(new Date()));
  const [to, setTo] = useState(localDay(new Date()));
  const dossiers = useQuery('dossiers.list', { limit: 1000 });
  const report = useQuery('reports.digitisation', { from, to, period: 'all', byClerk: false });
  // The service's report when it answers; otherwise the same figures counted from the dossier list.
  const rows: RateRow[] = report.data
    ? report.data.rows.map((r) => ({ code: r.procedureCode, name: r.procedureName, received: r.received, digitised: r.digitised }))
    : digitisationRows((dossiers.data ?? []) as DossierSummary[], from, to);
  const max = Math.max(1, ...rows.map((r) => r.received));
  const barH = 28;
  return (
    <section className="screen" aria-labelledby="reports-title" data-testid="screen-reports">
      <div className="screen-head">
        <h1 id="reports-title">{t('reports.title')}</h1>
        <div className="row">
          <label className="field">
            <span>{t('reports.from')}</span>
            <input type="date" value={from} onChange={(e) => setFrom(e.target.value)} data-testid="report-from" />
          </label>
          <label className="field">
            <span>{t('reports.to')}</span>
            <input type="date" value={to} onChange={(e) => setTo(e.target.value)} data-testid="report-to" />
          </label>
        </div>
      </div>
      {report.error && <ErrorBox error={report.error} />}
      <figure className="chart">
        <svg role="img" aria-label={t('reports.chart')} width="100%" height={Math.max(60, rows.length * (barH + 8) + 20)} viewBox={`0 0 800 ${Math.max(60, rows.length * (barH + 8) + 20)}`} data-testid="report-chart">
          {rows.map((r, i) => {
            const y = 10 + i * (barH + 8);
            const w = (r.received / max) * 560;
            const dw = (r.digitised / max) * 560;
            return (
              <g key={r.code}>
                <text x={0} y={y + barH / 2 + 5} fontSize={13}>
                  {r.code}
                </text>
                <rect x={90} y={y} width={w} height={barH} className="bar-received" />
                <rect x={90} y={y} width={dw} height={barH} className="bar-digitised" />
                <text x={96 + w} y={y + barH / 2 + 5} fontSize={13}>
                  {r.received ? `${Math.round((100 * r.digitised) / r.received)} %` : '–'}
                </text>
              </g>
            );
          })}
        </svg>
        <figcaption className="legend">
          <span className="swatch bar-digitised" aria-hidden="true" /> {t('reports.digitised')} <span className="swatch bar-received" aria-hidden="true" /> {t('reports.received')}
        </figcaption>
      </figure>
      <table className="table" data-testid="report-table">
        <thead>
          <tr>
            <th scope="col">{t('reports.col.procedure')}</th>
            <th scope="col">{t('reports.received')}</th>
            <th scope="col">{t('reports.digitised')}</th>
            <th scope="col">{t('reports.rate')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.code}>
              <td>
                <span className="code">{r.code}</span> {r.name}
              </td>
              <td>{r.received}</td>
              <td>{r.digitised}</td>
              <td>{r.received ? `${Math.round((100 * r.digitised) / r.received)} %` : '–'}</td>
            </tr>
          ))}
          {rows.length === 0 && (
            <tr>
              <td colSpan={4} className="muted">
                {t('reports.empty')}
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </section>
  );
}
