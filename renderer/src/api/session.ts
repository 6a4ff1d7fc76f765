/** Codes that mean "who is calling" must be settled again: sign in, unlock, or set a new password. */
export const AUTH_CODES = ['SIGN_IN_REQUIRED', 'SESSION_EXPIRED', 'SESSION_LOCKED', 'PASSWORD_CHANGE_REQUIRED'] as const;
export type AuthCode = (typeof AUTH_CODES)[number];

/**
 * The clerk's session token on one transport: sent with every call, kept in this tab's sessionStorage so
 * a reload stays signed in (gone when the tab closes), and an auth refusal reported to the session gate.
 */
export class SessionHolder {
  private token: string | null;
  private readonly listeners = new Set<(code: AuthCode) => void>();
  private readonly changes = new Set<(token: string | null) => void>();

  constructor(private readonly storage?: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>) {
    this.token = storage?.getItem('sohoa.session') ?? null;
  }

  get current(): string | null {
    return this.token;
  }

  set(token: string | null): void {
    this.token = token;
    if (token === null) this.storage?.removeItem('sohoa.session');
    else this.storage?.setItem('sohoa.session', token);
    for (const fn of this.changes) fn(token);
  }

  /** A sign-in or sign-out: the events socket opens again with the new session (or stops). */
  onChange(fn: (token: string | null) => void): () => void {
    this.changes.add(fn);
    return () => this.changes.delete(fn);
  }

  /** Called with every call's result: an auth refusal tells the gate. */
  observe(result: { ok: boolean; error?: { code: string } }): void {
    const code = result.ok ? null : result.error?.code;
    if (code && (AUTH_CODES as readonly string[]).includes(code)) for (const fn of this.listeners) fn(code as AuthCode);
  }

  onAuthProblem(fn: (code: AuthCode) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }
}
