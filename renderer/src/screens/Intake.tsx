import { useState } from 'react';
import type { Dossier } from '../../../electron/common/schemas';
import { useI18n } from '../i18n/context';
import { DossierWork } from './DossierWork';
import { OwnerStep } from './OwnerStep';
import { ProcedureStep, type Procedure } from './ProcedureStep';

/** Intake (tiếp nhận) and results (số hóa kết quả): procedure → owner → components (scan, review, sign) → finish. */
export function Intake({ purpose, active }: { purpose: 'intake' | 'result'; active: boolean }) {
  const { t } = useI18n();
  const [procedure, setProcedure] = useState<Procedure | null>(null);
  const [dossier, setDossier] = useState<Dossier | null>(null);
  const restart = () => {
    setDossier(null);
    setProcedure(null);
  };
  const step = dossier ? 3 : procedure ? 2 : 1;
  return (
    <section className="screen" aria-labelledby={`${purpose}-title`} data-testid={`screen-${purpose}`}>
      <div className="screen-head">
        <h1 id={`${purpose}-title`}>{purpose === 'intake' ? t('intake.title') : t('results.title')}</h1>
        <ol className="steps" aria-label={t('intake.steps')}>
          <li aria-current={step === 1 ? 'step' : undefined}>{t('intake.step.procedure')}</li>
          <li aria-current={step === 2 ? 'step' : undefined}>{t('intake.step.owner')}</li>
          <li aria-current={step === 3 ? 'step' : undefined}>{t('intake.step.components')}</li>
        </ol>
      </div>
      {!procedure && <ProcedureStep purpose={purpose} onChoose={setProcedure} active={active} />}
      {procedure && !dossier && <OwnerStep purpose={purpose} procedure={procedure} onBack={() => setProcedure(null)} onCreated={setDossier} active={active} />}
      {dossier && <DossierWork dossier={dossier} onChange={setDossier} onDone={restart} active={active} />}
    </section>
  );
}
