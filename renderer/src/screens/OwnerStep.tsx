import { useEffect, useRef, useState } from 'react';
import type { ErrorPayload } from '../../../electron/common/errors';
import { checkOwnerId, type OwnerIdType } from '../../../electron/common/owner';
import type { Dossier } from '../../../electron/common/schemas';
import { useAction } from '../api/context';
import { ErrorBox } from '../components/ErrorBox';
import { Kbd } from '../components/Kbd';
import { useI18n } from '../i18n/context';
import { SHORTCUTS, matches } from '../lib/keys';
import type { Procedure } from './ProcedureStep';

/** The owner's identity number (CCCD checked as typed: province, birth year), name, then create the dossier. */
export function OwnerStep({ purpose, procedure, onBack, onCreated, active }: { purpose: 'intake' | 'result'; procedure: Procedure; onBack(): void; onCreated(d: Dossier): void; active: boolean }) {
  const { t } = useI18n();
  const [idType, setIdType] = useState<OwnerIdType>('cccd');
  const [ownerId, setOwnerId] = useState('');
  const [name, setName] = useState('');
  const [error, setError] = useState<ErrorPayload | null>(null);
  const { run, busy } = useAction();
  const first = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (active) first.current?.focus();
  }, [active]);
  const check = ownerId.trim() === '' ? null : checkOwnerId(ownerId, idType);
  const create = async () => {
    if (!check?.valid) return;
    const r = await run('dossiers.create', { procedureCode: procedure.code, ownerId: ownerId.trim(), ownerIdType: idType, ownerName: name, purpose }, 'create');
    if (!r) return;
    if (r.ok) onCreated(r.value);
    else setError(r.error);
  };
  return (
    <form
      className="panel owner"
      onSubmit={(e) => {
        e.preventDefault();
        void create();
      }}
      onKeyDown={(e) => {
        if (matches(e.nativeEvent, SHORTCUTS.createDossier)) {
          e.preventDefault();
          void create();
        }
      }}
    >
      <p className="chosen">
        <span className="code">{procedure.code}</span> {procedure.name}
      </p>
      <div className="row">
        <label className="field">
          <span>{t('owner.idType')}</span>
          <select value={idType} onChange={(e) => setIdType(e.target.value as OwnerIdType)} data-testid="owner-id-type">
            <option value="cccd">{t('owner.type.cccd')}</option>
            <option value="cmnd">{t('owner.type.cmnd')}</option>
            <option value="org">{t('owner.type.org')}</option>
          </select>
        </label>
        <label className="field grow">
          <span>{t('owner.id')}</span>
          <input
            ref={first}
            inputMode="numeric"
            autoComplete="off"
            value={ownerId}
            onChange={(e) => setOwnerId(e.target.value)}
            placeholder={t('owner.idPlaceholder')}
            aria-invalid={check ? !check.valid : undefined}
            aria-describedby="owner-id-check"
            data-testid="owner-id"
          />
        </label>
      </div>
      <p id="owner-id-check" className={check && !check.valid ? 'check bad' : 'check'} aria-live="polite" data-testid="owner-id-check">
        {check === null
          ? t('owner.idHint')
          : check.valid
            ? check.type === 'cccd'
              ? t('owner.cccdOk', { province: check.province ?? '', year: check.birthYear ?? '' })
              : t('owner.idOk')
            : t('owner.idBad')}
      </p>
      <label className="field">
        <span>{t('owner.name')}</span>
        <input value={name} maxLength={300} onChange={(e) => setName(e.target.value)} placeholder={t('owner.namePlaceholder')} data-testid="owner-name" />
      </label>
      {error && <ErrorBox error={error} />}
      <div className="actions">
        <button type="button" onClick={onBack}>
          {t('common.back')}
        </button>
        <button type="submit" className="primary" disabled={!check?.valid || busy !== null} aria-keyshortcuts={SHORTCUTS.createDossier} data-testid="create-dossier">
          {t('owner.create')} <Kbd keys={SHORTCUTS.createDossier} />
        </button>
      </div>
    </form>
  );
}
