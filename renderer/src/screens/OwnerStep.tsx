import { useEffect, useRef, useState } from 'react';
import type { ErrorPayload } from '../../../electron/common/errors';
import { parseCccdQr, type CccdQrProblem } from '../../../electron/common/cccdQr';
import { CCCD_PROVINCE_CODES, checkOwnerId, type OwnerIdType } from '../../../electron/common/owner';
import type { Dossier, DossierSummary } from '../../../electron/common/schemas';
import { useAction, useQuery } from '../api/context';
import { ErrorBox } from '../components/ErrorBox';
import { Kbd } from '../components/Kbd';
import { useI18n } from '../i18n/context';
import { SHORTCUTS, matches } from '../lib/keys';
import type { MessageKey } from '../i18n/translate';
import type { Procedure } from './ProcedureStep';

/** Length of each number the owner field takes (digits only for these). */
const ID_LENGTH: Record<Exclude<OwnerIdType, 'org'>, number> = { cccd: 12, cmnd: 9 };

/** What is wrong with a partly typed number, once there is enough of it to say (null = nothing yet). */
function idProblem(id: string, type: OwnerIdType): MessageKey | null {
  if (type === 'org' || id === '') return null;
  if (type === 'cccd' && id.length >= 3 && CCCD_PROVINCE_CODES[id.slice(0, 3)] === undefined) return 'owner.bad.province';
  if (id.length > ID_LENGTH[type]) return type === 'cccd' ? 'owner.bad.tooLongCccd' : 'owner.bad.tooLongCmnd';
  if (id.length === ID_LENGTH[type] && !checkOwnerId(id, type).valid) return 'owner.bad.birthYear';
  return null;
}

/** The owner's identity number (CCCD checked as typed: province, birth year), name, then create the dossier. */
export function OwnerStep({
  purpose,
  procedure,
  onBack,
  onCreated,
  onOpen,
  active,
}: {
  purpose: 'intake' | 'result';
  procedure: Procedure;
  onBack(): void;
  onCreated(d: Dossier): void;
  /** Opens an existing draft instead (the duplicate warning's button). */
  onOpen(d: DossierSummary): void;
  active: boolean;
}) {
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
  const problem = idProblem(ownerId.trim(), idType);
  // The same citizen and procedure already have a draft: say so before a second one is made.
  const same = useQuery('dossiers.search', check?.valid ? { query: ownerId.trim(), purpose, limit: 50 } : null);
  const duplicate = check?.valid ? (same.data ?? []).find((d) => d.state === 'draft' && d.ownerId === ownerId.trim() && d.procedureCode === procedure.code) : undefined;
  // While a QR reader types its payload (it starts with the 12 digits, then '|'), keys go here, not into the field.
  const qr = useRef<string | null>(null);
  const onIdKey = (e: React.KeyboardEvent) => {
    if (qr.current === null) {
      if (e.key === '|' && /^\d{12}$/.test(ownerId)) {
        e.preventDefault();
        qr.current = `${ownerId}|`;
      }
      return;
    }
    if (e.key === 'Enter' || e.key === 'Tab' || e.key === 'Escape') {
      e.preventDefault();
      typeId(qr.current);
      qr.current = null;
    } else if (e.key.length === 1) {
      e.preventDefault();
      qr.current += e.key;
    }
  };
  const [qrProblem, setQrProblem] = useState<CccdQrProblem | null>(null);
  const typeId = (raw: string) => {
    setQrProblem(null);
    if (raw.includes('|')) {
      // A whole CCCD QR payload: its id and name fill the form; one that contradicts itself fills nothing.
      const parsed = parseCccdQr(raw);
      if (parsed.ok) {
        setIdType('cccd');
        setOwnerId(parsed.value.cccd);
        setName(parsed.value.fullName);
      } else setQrProblem(parsed.problem);
      return;
    }
    setOwnerId(idType === 'org' ? raw.replace(/[^\d-]/g, '') : raw.replace(/\D/g, ''));
  };
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
            onChange={(e) => typeId(e.target.value)}
            onKeyDown={onIdKey}
            onPaste={(e) => {
              // A pasted QR payload is read as one; anything else goes through the digit filter.
              const text = e.clipboardData.getData('text');
              if (text.includes('|')) {
                e.preventDefault();
                typeId(text);
              }
            }}
            placeholder={t('owner.idPlaceholder')}
            aria-invalid={check ? !check.valid : undefined}
            aria-describedby="owner-id-check"
            data-testid="owner-id"
          />
        </label>
      </div>
      <p id="owner-id-check" className={problem || (check && !check.valid && idType === 'org') ? 'check bad' : check?.valid ? 'check ok' : 'check'} aria-live="polite" data-testid="owner-id-check">
        {problem
          ? t(problem, { code: ownerId.slice(0, 3) })
          : check === null
            ? t('owner.idHint')
            : check.valid
              ? check.type === 'cccd'
                ? t('owner.cccdOk', { province: check.province ?? '', year: check.birthYear ?? '' })
                : t('owner.idOk')
              : idType === 'org'
                ? t('owner.idBad')
                : t('owner.digitsLeft', { n: ID_LENGTH[idType] - ownerId.trim().length })}
      </p>
      {qrProblem && (
        <p className="check bad" role="alert" data-testid="owner-qr-problem">
          {t(qrProblem === 'IME_MANGLED' ? 'owner.qrIme' : 'owner.qrBad')}
        </p>
      )}
      {duplicate && (
        <div className="warn-box" role="alert" data-testid="duplicate-warning">
          <p>{t('owner.duplicate', { id: duplicate.id })}</p>
          <button type="button" onClick={() => onOpen(duplicate)} data-testid="open-duplicate">
            {t('owner.openDuplicate')}
          </button>
        </div>
      )}
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
