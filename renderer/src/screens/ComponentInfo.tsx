import { useState } from 'react';
import type { ErrorPayload } from '../../../electron/common/errors';
import type { Component } from '../../../electron/common/schemas';
import { useAction } from '../api/context';
import { ErrorBox } from '../components/ErrorBox';
import { useI18n } from '../i18n/context';
import { componentInfoProblem } from '../lib/componentInfo';
import { formatDate, parseDate } from '../lib/dates';

type CopyType = Component['copyType'];
type Reuse = Component['reuse'];

/**
 * The component's metadata for the one-stop system (validity, copy type, MaGiayToKetQua, reuse flags),
 * folded away until needed. Dates are typed and shown dd/mm/yyyy whatever the browser's locale.
 */
export function ComponentInfo({ component, onSaved }: { component: Component; onSaved(): void }) {
  const { t } = useI18n();
  const { run, busy } = useAction();
  const [validFrom, setValidFrom] = useState(formatDate(component.validFrom));
  const [validTo, setValidTo] = useState(formatDate(component.validTo));
  const [copyType, setCopyType] = useState<CopyType>(component.copyType);
  const [resultCode, setResultCode] = useState(component.resultCode ?? '');
  const [reuse, setReuse] = useState<Reuse>(component.reuse);
  const [replacedResultCode, setReplaced] = useState(component.replacedResultCode ?? '');
  const [error, setError] = useState<ErrorPayload | null>(null);
  const [saved, setSaved] = useState(false);
  const problem = componentInfoProblem({ validFrom, validTo, reuse, replacedResultCode });
  const save = async () => {
    if (problem) return;
    setError(null);
    setSaved(false);
    const r = await run(
      'dossiers.updateComponent',
      {
        componentId: component.id,
        validFrom: validFrom.trim() === '' ? null : parseDate(validFrom),
        validTo: validTo.trim() === '' ? null : parseDate(validTo),
        copyType,
        resultCode: resultCode.trim() === '' ? null : resultCode.trim(),
        reuse,
        ...(reuse === 'reused_replaced' ? { replacedResultCode: replacedResultCode.trim() } : {}),
      },
      `info-${component.id}`,
    );
    if (!r) return;
    if (r.ok) {
      setSaved(true);
      onSaved();
    } else setError(r.error);
  };
  return (
    <details className="component-info" data-testid="component-info">
      <summary>{t('info.title')}</summary>
      <form
        className="info-form"
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <label className="field">
          <span>{t('info.validFrom')}</span>
          <input value={validFrom} onChange={(e) => setValidFrom(e.target.value)} placeholder={t('info.datePlaceholder')} inputMode="numeric" data-testid="info-valid-from" />
        </label>
        <label className="field">
          <span>{t('info.validTo')}</span>
          <input value={validTo} onChange={(e) => setValidTo(e.target.value)} placeholder={t('info.datePlaceholder')} inputMode="numeric" data-testid="info-valid-to" />
        </label>
        <label className="field">
          <span>{t('info.copyType')}</span>
          <select value={copyType} onChange={(e) => setCopyType(e.target.value as CopyType)} data-testid="info-copy-type">
            <option value="original">{t('info.copy.original')}</option>
            <option value="copy">{t('info.copy.copy')}</option>
            <option value="electronic">{t('info.copy.electronic')}</option>
          </select>
        </label>
        <label className="field">
          <span>{t('info.resultCode')}</span>
          <input value={resultCode} maxLength={100} onChange={(e) => setResultCode(e.target.value)} data-testid="info-result-code" />
        </label>
        <label className="field">
          <span>{t('info.reuse')}</span>
          <select value={reuse} onChange={(e) => setReuse(e.target.value as Reuse)} data-testid="info-reuse">
            <option value="none">{t('info.reuse.none')}</option>
            <option value="reused">{t('info.reuse.reused')}</option>
            <option value="reused_replaced">{t('info.reuse.replaced')}</option>
          </select>
        </label>
        {reuse === 'reused_replaced' && (
          <label className="field">
            <span>{t('info.replacedCode')}</span>
            <input value={replacedResultCode} maxLength={100} onChange={(e) => setReplaced(e.target.value)} data-testid="info-replaced-code" />
          </label>
        )}
        <div className="info-end">
          <button type="submit" disabled={problem !== null || busy !== null} data-testid="info-save">
            {t('common.save')}
          </button>
          {problem && (
            <span className="check bad" role="alert" data-testid="info-problem">
              {t(problem)}
            </span>
          )}
          {saved && !problem && <span className="check ok">{t('info.saved')}</span>}
        </div>
        {error && <ErrorBox error={error} />}
      </form>
    </details>
  );
}
