import { useId, useState, type FormEvent } from 'react';
import type { ErrorPayload } from '../../../electron/common/errors';
import { isErrorCode } from '../../../electron/common/errors';
import { DOSSIER_CODE_PATTERN, REUSE_DOSSIER_CODES_MAX } from '../../../electron/common/owner';
import { useAction } from '../api/context';
import { ErrorBox } from '../components/ErrorBox';
import { useI18n } from '../i18n/context';
import { formatDate } from '../lib/dates';
import { useReceiptCodes, useReuseLookup, type ReuseLookup } from './ReuseLookup';

type Candidate = ReuseLookup['candidates'][number];

/**
 * Before a component is scanned: the citizen's signed documents of the same kind that are still valid (the reuse
 * look-up, dossiers.reuseCandidates) — in earlier dossiers of this station, and on the province's one-stop system
 * for the codes the clerk types from the citizen's receipts (giấy hẹn trả kết quả). The clerk may not need the
 * paper again (NĐ 45/2020 Art. 19). "Dùng lại giấy tờ này" attaches the signed document itself with its reuse
 * fields (DuocTaiSuDung, MaKetQuaThayThe) instead of a scan.
 */
export function EarlierDocuments({ componentId, onTaken }: { componentId: string; onTaken(): void }) {
  const { t } = useI18n();
  const { run, busy } = useAction();
  const [error, setError] = useState<ErrorPayload | null>(null);
  const [codes, setCodes] = useReceiptCodes();
  const { data, looking } = useReuseLookup(componentId, codes);
  const docs = data?.candidates ?? [];
  // Up to three of this station's copies, and every one the typed receipts found (the clerk asked for those).
  const shown = [...docs.filter((d) => d.source === 'local').slice(0, 3), ...docs.filter((d) => d.source === 'remote').slice(0, REUSE_DOSSIER_CODES_MAX)];
  // A local copy is taken by its document id; one the province's system holds by its MaHoSo and hash (fetched then).
  const take = async (d: Candidate) => {
    setError(null);
    const which = d.documentId ? { documentId: d.documentId } : { remote: { dossierCode: d.dossierCode ?? '', sha256: d.sha256 } };
    const r = await run('dossiers.takeReuse', { componentId, ...which }, `reuse-${componentId}`);
    if (!r) return;
    if (r.ok) onTaken();
    else setError(r.error);
  };
  return (
    <div className="earlier" role="note" data-testid="earlier-documents" data-remote={data?.remote.status ?? ''} aria-busy={looking}>
      {shown.length > 0 && <strong>{t('earlier.title', { n: docs.length })}</strong>}
      {shown.length > 0 && (
        <ul className="plain">
          {shown.map((d) => (
            <li key={d.documentId ?? `${d.dossierCode}:${d.sha256}`} data-testid="earlier-document" data-source={d.source} data-dossier={d.dossierId ?? undefined} data-code={d.dossierCode ?? undefined} data-document={d.documentId ?? undefined}>
              <span>
                <bdi className="ellipsis">{d.componentName}</bdi> ·{' '}
                {d.signedAt ? t('reuse.from', { code: d.dossierCode ?? d.dossierId ?? '', date: formatDate(d.signedAt) }) : t('reuse.fromProvince', { code: d.dossierCode ?? '' })}
                {d.pageCount !== null && ` · ${t('reuse.pages', { n: d.pageCount })}`} ·{' '}
                <span data-testid="earlier-validity">{d.source === 'remote' && !d.validFrom && !d.validTo ? t('reuse.validityUnknown') : validity(t, d.validFrom, d.validTo)}</span>
                {d.validityScope && ` (${d.validityScope})`}
              </span>{' '}
              <button type="button" onClick={() => void take(d)} disabled={busy !== null} data-testid="reuse">
                {t('reuse.action')}
              </button>
            </li>
          ))}
        </ul>
      )}
      <RemoteStatus lookup={data} codes={codes} looking={looking} />
      <ReceiptCodes codes={codes} onChange={setCodes} />
      {error && <ErrorBox error={error} />}
    </div>
  );
}

/** What the province's system said about the typed codes: asked, nothing found, not reachable (locals stay listed). */
function RemoteStatus({ lookup, codes, looking }: { lookup: ReuseLookup | null; codes: string[]; looking: boolean }) {
  const { t, err } = useI18n();
  if (codes.length === 0) return null;
  if (looking) return <p className="muted earlier-note" role="status" data-testid="earlier-looking">{t('earlier.looking')}</p>;
  if (!lookup) return null;
  const { remote } = lookup;
  if (remote.status === 'off' || remote.status === 'unsupported') {
    return <p className="earlier-note" role="status" data-testid="earlier-remote-note">{t(remote.status === 'off' ? 'earlier.remoteOff' : 'earlier.remoteUnsupported')}</p>;
  }
  if (remote.status === 'failed') {
    return (
      <ul className="plain earlier-remote-errors" role="alert" data-testid="earlier-remote-error">
        {remote.errors.map((e) => (
          <li key={e.dossierCode} data-code={e.dossierCode} data-error={e.code}>
            {t('earlier.remoteFailed', { code: e.dossierCode, message: err(isErrorCode(e.code) ? e.code : 'INTERNAL').message })}
            {/* The province's own words, verbatim, and the id its support desk asks for. */}
            {e.serverMessage && <q className="server-message">{e.serverMessage}</q>}
            {e.correlationId && <span className="muted"> {t('earlier.correlation', { id: e.correlationId })}</span>}
          </li>
        ))}
      </ul>
    );
  }
  // A code whose document this station still holds is answered by the local copy (same bytes): found too.
  const found = new Set(lookup.candidates.map((c) => c.dossierCode));
  const empty = codes.filter((c) => !found.has(c));
  if (empty.length === 0) return null;
  return (
    <p className="muted earlier-note" role="status" data-testid="earlier-remote-none">
      {t('earlier.remoteNone', { codes: empty.join(', ') })}
    </p>
  );
}

/**
 * "Mã hồ sơ trên giấy hẹn": the clerk types a receipt's MaHoSo and presses Enter; each code becomes a removable chip
 * and the look-up is asked again with them. Checked with the service's own pattern, so a code the field accepts is
 * never refused by the API.
 */
function ReceiptCodes({ codes, onChange }: { codes: string[]; onChange(codes: string[]): void }) {
  const { t } = useI18n();
  const id = useId();
  const [text, setText] = useState('');
  const [tried, setTried] = useState(false);
  const code = text.trim().toUpperCase();
  const full = codes.length >= REUSE_DOSSIER_CODES_MAX;
  // Wrong as typed once a character no code has appears, or after Enter on a code that does not match.
  const problem = code === '' ? null : /[^0-9A-Z.-]/.test(code) || (tried && !DOSSIER_CODE_PATTERN.test(code)) ? 'malformed' : null;
  const add = (e: FormEvent) => {
    e.preventDefault();
    if (code === '' || full) return;
    if (!DOSSIER_CODE_PATTERN.test(code)) {
      setTried(true);
      return;
    }
    if (!codes.includes(code)) onChange([...codes, code]);
    setText('');
    setTried(false);
  };
  return (
    <form className="receipt-codes" onSubmit={add} data-testid="receipt-codes">
      <label htmlFor={id}>{t('earlier.codesLabel')}</label>
      {codes.map((c) => (
        <span key={c} className="chip" data-testid="receipt-code" data-code={c}>
          <span className="mono">{c}</span>
          <button type="button" className="chip-remove" aria-label={t('earlier.removeCode', { code: c })} title={t('earlier.removeCode', { code: c })} onClick={() => onChange(codes.filter((x) => x !== c))} data-testid="receipt-code-remove">
            ×
          </button>
        </span>
      ))}
      <input
        id={id}
        className="mono"
        value={text}
        onChange={(e) => setText(e.target.value)}
        disabled={full}
        placeholder={full ? t('earlier.codesFull', { n: REUSE_DOSSIER_CODES_MAX }) : t('earlier.codesPlaceholder')}
        aria-invalid={problem !== null}
        aria-describedby={problem ? `${id}-error` : undefined}
        autoComplete="off"
        spellCheck={false}
        maxLength={60}
        data-testid="receipt-code-input"
      />
      <button type="submit" disabled={full || code === ''} data-testid="receipt-code-add">
        {t('earlier.codesAdd')}
      </button>
      {problem && (
        <span className="field-error" id={`${id}-error`} role="alert" data-testid="receipt-code-error">
          {t('earlier.codeMalformed', { code })}
        </span>
      )}
    </form>
  );
}

function validity(t: ReturnType<typeof useI18n>['t'], from: string | null, to: string | null): string {
  if (from && to) return t('reuse.validity', { from: formatDate(from), to: formatDate(to) });
  if (to) return t('reuse.validTo', { date: formatDate(to) });
  if (from) return t('reuse.validFrom', { date: formatDate(from) });
  return t('reuse.noEnd');
}
