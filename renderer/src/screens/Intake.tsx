import { useState } from 'react';
import type { Dossier, DossierSummary } from '../../../electron/common/schemas';
import type { ErrorPayload } from '../../../electron/common/errors';
import { useAction, useStation } from '../api/context';
import { ErrorBox } from '../components/ErrorBox';
import { Kbd } from '../components/Kbd';
import { useI18n } from '../i18n/context';
import { SHORTCUTS, matches } from '../lib/keys';
import { useKeydown } from '../lib/useKeydown';
import { DossierWork } from './DossierWork';
import { DraftsPanel } from './DraftsPanel';
import { OwnerStep } from './OwnerStep';
import { ProcedureStep, type Procedure } from './ProcedureStep';

/**
 * Intake (tiếp nhận) and results (số hóa kết quả): procedure → owner → components (scan, review, sign) →
 * finish. Beside the procedure search: the drafts in progress (resume one) and a search of the station's
 * dossiers. "Hồ sơ mới" (Alt+N) leaves the current dossier as it is (a draft stays in the list) and starts over.
 */
export function Intake({ purpose, active }: { purpose: 'intake' | 'result'; active: boolean }) {
  const { t } = useI18n();
  const { transport } = useStation();
  const { run } = useAction();
  const [procedure, setProcedure] = useState<Procedure | null>(null);
  const [dossier, setDossier] = useState<Dossier | null>(null);
  /**
   * A newer state of the dossier on screen (a reload, a restore, finishing): applied only if that dossier is
   * still the one shown when React applies it. An answer that was on its way when the clerk left the dossier
   * (Hồ sơ mới, Bỏ hồ sơ) is queued after the leaving, so it finds another dossier or none and changes nothing.
   * (A "still mounted" flag cleared in a passive effect left a window on a busy machine: the late answer came
   * before React had even rendered the leaving, and the abandoned dossier came back over the start screen.)
   */
  const updateShown = (d: Dossier) => setDossier((shown) => (shown?.id === d.id ? d : shown));
  const [error, setError] = useState<ErrorPayload | null>(null);
  /** Said once on the start screen after a draft was abandoned. */
  const [notice, setNotice] = useState<string | null>(null);
  const restart = () => {
    setNotice(null);
    setDossier(null);
    setProcedure(null);
    setError(null);
  };
  /** Opens a dossier found in the drafts or the search; on the results screen an intake dossier gets its result components. */
  const open = async (d: DossierSummary) => {
    setError(null);
    // An abandoned dossier opens as it is (who abandoned it and why; an admin may restore it), nothing is added.
    if (purpose === 'result' && d.purpose === 'intake' && d.state !== 'abandoned') {
      const r =
        d.serverCode !== null
          ? await run('dossiers.createResult', { procedureCode: d.procedureCode, resultFor: d.serverCode, ownerId: d.ownerId, ownerIdType: d.ownerIdType, ownerName: d.ownerName }, `result-${d.id}`)
          : await run('dossiers.addResults', { id: d.id }, `results-${d.id}`);
      if (r?.ok) setDossier(r.value);
      else if (r) setError(r.error);
      return;
    }
    setNotice(null);
    const r = await transport.call('dossiers.get', { id: d.id });
    if (r.ok) setDossier(r.value);
    else setError(r.error);
  };
  useKeydown(active, (e) => {
    if (matches(e, SHORTCUTS.newDossier)) {
      e.preventDefault();
      restart();
    }
  });
  const step = dossier ? 3 : procedure ? 2 : 1;
  return (
    <section className={dossier ? 'screen screen-work' : 'screen'} aria-labelledby={`${purpose}-title`} data-testid={`screen-${purpose}`}>
      <div className="screen-head">
        <h1 id={`${purpose}-title`}>{purpose === 'intake' ? t('intake.title') : t('results.title')}</h1>
        <ol className="steps" aria-label={t('intake.steps')}>
          <li aria-current={step === 1 ? 'step' : undefined}>{t('intake.step.procedure')}</li>
          <li aria-current={step === 2 ? 'step' : undefined}>{t('intake.step.owner')}</li>
          <li aria-current={step === 3 ? 'step' : undefined}>{t('intake.step.components')}</li>
        </ol>
        <button type="button" onClick={restart} disabled={step === 1} aria-keyshortcuts={SHORTCUTS.newDossier} data-testid="new-dossier-top">
          {t('dossier.new')} <Kbd keys={SHORTCUTS.newDossier} />
        </button>
      </div>
      {error && <ErrorBox error={error} />}
      {notice && (
        <p className="done" role="status" data-testid="abandon-done">
          {notice}
        </p>
      )}
      {!procedure && !dossier && (
        <div className="start">
          <ProcedureStep purpose={purpose} onChoose={setProcedure} active={active} />
          <DraftsPanel purpose={purpose} active={active} onOpen={(d) => void open(d)} />
        </div>
      )}
      {procedure && !dossier && (
        <OwnerStep purpose={purpose} procedure={procedure} onBack={() => setProcedure(null)} onCreated={setDossier} onOpen={(d) => void open(d)} active={active} />
      )}
      {dossier && (
        <DossierWork
          dossier={dossier}
          kind={purpose}
          onChange={updateShown}
          onDone={restart}
          onAbandoned={(d) => {
            restart();
            setNotice(t('abandon.done', { id: d.id, n: d.components.reduce((n, c) => n + c.pageCount, 0) }));
          }}
          active={active}
        />
      )}
    </section>
  );
}
