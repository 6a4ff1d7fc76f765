import { createContext, useCallback, useContext, useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';
import type { SessionUserInfo } from '../../../electron/common/api/accounts';
import type { ErrorPayload } from '../../../electron/common/errors';
import { useStation } from '../api/context';
import { ErrorBox } from '../components/ErrorBox';
import { ChangePasswordDialog } from './ChangePassword';
import { useI18n } from '../i18n/context';

interface SessionCtx {
  user: SessionUserInfo;
  lock(): void;
  signOut(): void;
  changePassword(): void;
}

const Ctx = createContext<SessionCtx | null>(null);

export function useSession(): SessionCtx {
  const v = useContext(Ctx);
  if (!v) throw new Error('useSession outside SessionGate');
  return v;
}

type Phase = { kind: 'checking' } | { kind: 'setup'; code: string } | { kind: 'signin'; setupNeeded: boolean; demo: boolean } | { kind: 'ready'; user: SessionUserInfo; locked: boolean; idleMinutes: number };
/** The change-password dialog: asked for by the clerk, or required after an admin's reset. */
type Changing = 'no' | 'asked' | 'required';

/** The one-time setup code from the printed link (`#token=…&setup=CODE`), removed from the address bar once read. */
function takeSetupCode(): string | null {
  const params = new URLSearchParams(window.location.hash.replace(/^#/, ''));
  const code = params.get('setup');
  if (code === null) return null;
  params.delete('setup');
  const rest = params.toString();
  window.history.replaceState(null, '', window.location.pathname + window.location.search + (rest ? `#${rest}` : ''));
  return code;
}

const ACTIVITY = ['pointerdown', 'keydown', 'wheel'] as const;

/**
 * Nothing of the station shows until a clerk signs in (or, on a fresh station, creates the first admin with
 * the setup link). After N idle minutes the screen locks over the work in progress; the same clerk's
 * password unlocks it exactly where it was. The service enforces all of this too: this is the clerk's view.
 */
export function SessionGate({ children }: { children: ReactNode }) {
  const { transport, state } = useStation();
  const { t } = useI18n();
  const [phase, setPhase] = useState<Phase>({ kind: 'checking' });
  const setupCode = useRef<string | null>(takeSetupCode());
  const [changing, setChanging] = useState<Changing>('no');
  const [changed, setChanged] = useState(false);

  const check = useCallback(async () => {
    if (transport.session.current) {
      const who = await transport.call('auth.whoami', {});
      if (who.ok) {
        // A reload keeps a temporary password's forced change (the service refuses everything else anyway).
        if (who.value.mustChangePassword) setChanging('required');
        setPhase({ kind: 'ready', user: who.value.user, locked: who.value.locked, idleMinutes: who.value.idleLockMinutes });
        return;
      }
      if (who.error.code === 'SERVICE_UNREACHABLE') return;
      transport.session.set(null);
    }
    const h = await transport.call('station.health', {});
    if (!h.ok) return;
    if (h.value.setupRequired && setupCode.current) setPhase({ kind: 'setup', code: setupCode.current });
    else setPhase({ kind: 'signin', setupNeeded: h.value.setupRequired, demo: h.value.demoMode });
  }, [transport]);

  useEffect(() => {
    if (state === 'online' || phase.kind === 'checking') void check();
    // Re-checked on (re)connection only.
  }, [state]);

  useEffect(
    () =>
      transport.session.onAuthProblem((code) => {
        if (code === 'SESSION_LOCKED') setPhase((p) => (p.kind === 'ready' ? { ...p, locked: true } : p));
        else if (code === 'PASSWORD_CHANGE_REQUIRED') setChanging('required');
        else {
          transport.session.set(null);
          void check();
        }
      }),
    [transport, check],
  );

  // Client-side idle timer: lock the screen (and the session) after the configured minutes without input.
  const ready = phase.kind === 'ready' && !phase.locked ? phase : null;
  useEffect(() => {
    if (!ready || ready.idleMinutes <= 0) return;
    let timer = setTimeout(fire, ready.idleMinutes * 60_000);
    function fire(): void {
      void transport.call('auth.lock', {});
      setPhase((p) => (p.kind === 'ready' ? { ...p, locked: true } : p));
    }
    const reset = (): void => {
      clearTimeout(timer);
      timer = setTimeout(fire, ready.idleMinutes * 60_000);
    };
    for (const e of ACTIVITY) window.addEventListener(e, reset, { passive: true });
    return () => {
      clearTimeout(timer);
      for (const e of ACTIVITY) window.removeEventListener(e, reset);
    };
  }, [ready?.user.id, ready?.idleMinutes, transport]);

  const signedIn = (session: string, user: SessionUserInfo, idleMinutes: number, mustChange: boolean): void => {
    transport.session.set(session);
    setChanging(mustChange ? 'required' : 'no');
    setChanged(false);
    setPhase({ kind: 'ready', user, locked: false, idleMinutes });
  };

  if (phase.kind === 'checking') return <div className="auth-screen" data-testid="auth-checking" />;
  if (phase.kind === 'setup') return <SetupForm code={phase.code} onDone={() => void check()} />;
  if (phase.kind === 'signin') return <SignInForm demo={phase.demo} setupNeeded={phase.setupNeeded} onSignedIn={signedIn} />;
  const ctx: SessionCtx = {
    user: phase.user,
    lock: () => {
      void transport.call('auth.lock', {});
      setPhase({ ...phase, locked: true });
    },
    signOut: () => {
      void transport.call('auth.signOut', {}).then(() => {
        transport.session.set(null);
        setChanging('no');
        void check();
      });
    },
    changePassword: () => {
      setChanged(false);
      setChanging('asked');
    },
  };
  return (
    <Ctx.Provider value={ctx}>
      {/* The work stays mounted under the lock: unlocking returns to exactly where the clerk was. */}
      <div inert={phase.locked || changing !== 'no'} aria-hidden={phase.locked || changing !== 'no'}>
        {changed && (
          <p className="check ok" role="status" data-testid="password-changed">
            {t('auth.passwordChanged')}
          </p>
        )}
        {/* Not mounted behind a required change: its calls would all be refused until the new password is set. */}
        {changing !== 'required' && children}
      </div>
      {changing !== 'no' && !phase.locked && (
        <ChangePasswordDialog
          required={changing === 'required'}
          onDone={() => {
            setChanging('no');
            setChanged(true);
          }}
          onCancel={() => setChanging('no')}
        />
      )}
      {phase.locked && <LockOverlay user={phase.user} onUnlocked={() => setPhase({ ...phase, locked: false })} onSignOut={ctx.signOut} />}
    </Ctx.Provider>
  );
}

function SignInForm({ demo, setupNeeded, onSignedIn }: { demo: boolean; setupNeeded: boolean; onSignedIn(session: string, user: SessionUserInfo, idleMinutes: number, mustChange: boolean): void }) {
  const { t } = useI18n();
  const { transport } = useStation();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorPayload | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (busy) return;
    setBusy(true);
    const r = await transport.call('auth.signIn', { username, password });
    setBusy(false);
    setPassword('');
    if (r.ok) onSignedIn(r.value.session, r.value.user, r.value.idleLockMinutes, r.value.mustChangePassword);
    else setError(r.error);
  };
  return (
    <div className="auth-screen" data-testid="sign-in">
      <form className="auth-card" onSubmit={(e) => void submit(e)}>
        <h1>{t('auth.title')}</h1>
        {setupNeeded && <p className="check bad">{t('auth.setupNeeded')}</p>}
        <label className="field">
          <span>{t('auth.username')}</span>
          <input autoComplete="username" value={username} onChange={(e) => setUsername(e.target.value)} data-testid="sign-in-username" autoFocus />
        </label>
        <label className="field">
          <span>{t('auth.password')}</span>
          <input type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} data-testid="sign-in-password" />
        </label>
        {error && <ErrorBox error={error} testId="sign-in-error" />}
        <button type="submit" className="primary" disabled={busy || username === '' || password === ''} data-testid="sign-in-submit">
          {busy ? t('auth.signingIn') : t('auth.signIn')}
        </button>
        {demo && <p className="muted" data-testid="demo-accounts">{t('auth.demoHint')}</p>}
      </form>
    </div>
  );
}

function SetupForm({ code, onDone }: { code: string; onDone(): void }) {
  const { t } = useI18n();
  const { transport } = useStation();
  const [f, setF] = useState({ username: '', displayName: '', password: '' });
  const [error, setError] = useState<ErrorPayload | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const r = await transport.call('auth.setup', { code, ...f });
    if (r.ok) onDone();
    else setError(r.error);
  };
  return (
    <div className="auth-screen" data-testid="setup">
      <form className="auth-card" onSubmit={(e) => void submit(e)}>
        <h1>{t('auth.setupTitle')}</h1>
        <p className="muted">{t('auth.setupIntro')}</p>
        <label className="field">
          <span>{t('auth.displayName')}</span>
          <input value={f.displayName} onChange={(e) => setF({ ...f, displayName: e.target.value })} data-testid="setup-name" autoFocus />
        </label>
        <label className="field">
          <span>{t('auth.username')}</span>
          <input autoComplete="username" value={f.username} onChange={(e) => setF({ ...f, username: e.target.value })} data-testid="setup-username" />
        </label>
        <label className="field">
          <span>{t('auth.password')}</span>
          <input type="password" autoComplete="new-password" value={f.password} onChange={(e) => setF({ ...f, password: e.target.value })} data-testid="setup-password" />
        </label>
        {error && <ErrorBox error={error} testId="setup-error" />}
        <button type="submit" className="primary" data-testid="setup-submit">
          {t('auth.setupSubmit')}
        </button>
      </form>
    </div>
  );
}

function LockOverlay({ user, onUnlocked, onSignOut }: { user: SessionUserInfo; onUnlocked(): void; onSignOut(): void }) {
  const { t } = useI18n();
  const { transport } = useStation();
  const [password, setPassword] = useState('');
  const [error, setError] = useState<ErrorPayload | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const r = await transport.call('auth.unlock', { password });
    setPassword('');
    if (r.ok) onUnlocked();
    else setError(r.error);
  };
  return (
    <div className="lock-overlay" role="dialog" aria-modal="true" aria-labelledby="lock-title" data-testid="lock-overlay">
      <form className="auth-card" onSubmit={(e) => void submit(e)}>
        <h2 id="lock-title">{t('auth.lockedTitle')}</h2>
        <p>{t('auth.lockedIntro', { name: user.name })}</p>
        <label className="field">
          <span>{t('auth.password')}</span>
          <input type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} data-testid="unlock-password" autoFocus />
        </label>
        {error && <ErrorBox error={error} testId="unlock-error" />}
        <div className="actions">
          <button type="button" onClick={onSignOut}>
            {t('auth.signOut')}
          </button>
          <button type="submit" className="primary" disabled={password === ''} data-testid="unlock-submit">
            {t('auth.unlock')}
          </button>
        </div>
      </form>
    </div>
  );
}
