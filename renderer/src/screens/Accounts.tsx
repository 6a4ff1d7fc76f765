import { useState, type FormEvent } from 'react';
import type { Role } from '../../../electron/common/schemas';
import type { ErrorPayload } from '../../../electron/common/errors';
import { useAction, useQuery } from '../api/context';
import { ErrorBox } from '../components/ErrorBox';
import { useI18n } from '../i18n/context';

const ROLES: Role[] = ['clerk', 'records_clerk', 'admin'];

/** The admin's tab: the clerks' accounts, a temporary password on reset, and the idle-lock minutes. */
export function Accounts() {
  const { t } = useI18n();
  const list = useQuery('accounts.list', {});
  const { run } = useAction();
  const [error, setError] = useState<ErrorPayload | null>(null);
  const [f, setF] = useState({ username: '', displayName: '', role: 'clerk' as Role, password: '' });
  const [resetFor, setResetFor] = useState<string | null>(null);
  const [temp, setTemp] = useState('');
  const [idle, setIdle] = useState('');

  const done = (r: { ok: boolean; error?: ErrorPayload } | null): void => {
    if (!r) return;
    setError(r.ok ? null : (r.error ?? null));
    if (r.ok) list.reload();
  };
  const add = async (e: FormEvent) => {
    e.preventDefault();
    const r = await run('accounts.create', f, 'account-add');
    done(r);
    if (r?.ok) setF({ username: '', displayName: '', role: 'clerk', password: '' });
  };

  return (
    <div data-testid="accounts">
      <h2>{t('accounts.title')}</h2>
      <table className="table">
        <thead>
          <tr>
            <th>{t('auth.username')}</th>
            <th>{t('auth.displayName')}</th>
            <th>{t('accounts.role')}</th>
            <th>{t('accounts.active')}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {(list.data ?? []).map((a) => (
            <tr key={a.id} data-testid="account-row" data-username={a.username}>
              <td>{a.username}</td>
              <td>{a.displayName}</td>
              <td>{t(`role.${a.role}`)}</td>
              <td>{a.active ? '✓' : '—'}</td>
              <td>
                <button type="button" onClick={() => void run('accounts.update', { id: a.id, active: !a.active }, `active-${a.id}`).then(done)}>
                  {a.active ? t('accounts.deactivate') : t('accounts.activate')}
                </button>{' '}
                <button type="button" onClick={() => setResetFor(a.id)} data-testid="account-reset">
                  {t('accounts.reset')}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {resetFor && (
        <form
          className="row"
          onSubmit={(e) => {
            e.preventDefault();
            void run('accounts.resetPassword', { id: resetFor, password: temp }, 'reset').then((r) => {
              done(r);
              if (r?.ok) setResetFor(null);
              setTemp('');
            });
          }}
        >
          <input type="password" autoComplete="new-password" placeholder={t('accounts.newPassword')} aria-label={t('accounts.newPassword')} value={temp} onChange={(e) => setTemp(e.target.value)} data-testid="account-reset-password" />
          <button type="submit">{t('accounts.reset')}</button>
        </form>
      )}
      <h3>{t('accounts.add')}</h3>
      <form className="row" onSubmit={(e) => void add(e)} data-testid="account-add">
        <input placeholder={t('auth.username')} aria-label={t('auth.username')} value={f.username} onChange={(e) => setF({ ...f, username: e.target.value })} />
        <input placeholder={t('auth.displayName')} aria-label={t('auth.displayName')} value={f.displayName} onChange={(e) => setF({ ...f, displayName: e.target.value })} />
        <select value={f.role} onChange={(e) => setF({ ...f, role: e.target.value as Role })}>
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {t(`role.${r}`)}
            </option>
          ))}
        </select>
        <input type="password" autoComplete="new-password" placeholder={t('accounts.newPassword')} aria-label={t('accounts.newPassword')} value={f.password} onChange={(e) => setF({ ...f, password: e.target.value })} />
        <button type="submit" className="primary">
          {t('accounts.add')}
        </button>
      </form>
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          void run('accounts.setIdleLock', { minutes: Number(idle) }, 'idle').then(done);
        }}
      >
        <label>
          {t('accounts.idleLock')} <input type="number" min={0} max={240} value={idle} onChange={(e) => setIdle(e.target.value)} />
        </label>
        <button type="submit">{t('accounts.save')}</button>
      </form>
      {error && <ErrorBox error={error} />}
    </div>
  );
}
