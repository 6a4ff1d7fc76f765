import { StationError } from '../../common/errors';
import type { AuthMaterial, AuthStrategy, Credentials } from './adapter';
import type { HttpClient } from './http';
import { parseReply, statusError } from './envelope';

/**
 * OAuth2 token endpoint (RFC 6749): client credentials (§4.4, the station's or the LGSP's client) or the
 * resource-owner password grant (§4.3, VNPT iGate Keycloak accounts, spec §3). The bearer is cached until
 * shortly before `expires_in`; invalidate() after a 401 makes the next authorize() fetch a new one.
 */
export class TokenAuth implements AuthStrategy {
  readonly kind: 'oauth2-client-credentials' | 'oidc-password';
  private token: { value: string; expiresAt: number } | null = null;
  private inflight: Promise<string> | null = null;

  constructor(
    private readonly http: HttpClient,
    private readonly credentials: Credentials,
    private readonly opts: { tokenPath: string; grant: 'client_credentials' | 'password'; style: 'basic' | 'form'; clientId?: string },
    private readonly now: () => number = Date.now,
  ) {
    this.kind = opts.grant === 'password' ? 'oidc-password' : 'oauth2-client-credentials';
  }

  async authorize(): Promise<AuthMaterial> {
    const t = this.token;
    if (t && t.expiresAt > this.now()) return { headers: { Authorization: `Bearer ${t.value}` }, bodyFields: {} };
    this.inflight ??= this.fetchToken().finally(() => (this.inflight = null));
    const value = await this.inflight;
    return { headers: { Authorization: `Bearer ${value}` }, bodyFields: {} };
  }

  invalidate(): void {
    this.token = null;
  }

  private async fetchToken(): Promise<string> {
    const { tokenPath, grant, style } = this.opts;
    const c = this.credentials;
    const form = new URLSearchParams({ grant_type: grant });
    const headers: Record<string, string> = { 'Content-Type': 'application/x-www-form-urlencoded' };
    if (grant === 'password') {
      if (!c.username || !c.password) throw new StationError('NOT_ENROLLED', 'the OIDC password grant needs a username and password (sohoa sync configure --credentials-file)');
      form.set('client_id', this.opts.clientId ?? c.clientId);
      if (c.clientSecret) form.set('client_secret', c.clientSecret);
      form.set('username', c.username);
      form.set('password', c.password);
    } else if (style === 'basic') {
      headers.Authorization = `Basic ${Buffer.from(`${encodeURIComponent(c.clientId)}:${encodeURIComponent(c.clientSecret)}`).toString('base64')}`;
    } else {
      form.set('client_id', c.clientId);
      form.set('client_secret', c.clientSecret);
    }
    const reply = await this.http.request('POST', tokenPath, { headers, body: form.toString() });
    if (reply.status === 401 || reply.status === 403 || reply.status === 400) {
      // A token endpoint refusing our credentials: revoked, or the server was reset. Enrol / configure again.
      throw new StationError('SERVER_AUTH_FAILED', `token endpoint refused the station's credentials (HTTP ${reply.status})`, { status: reply.status, serverMessage: reply.body.toString('utf8').slice(0, 300) });
    }
    if (reply.status !== 200 && reply.status !== 201) throw statusError(reply, tokenPath);
    const parsed = parseReply(reply, tokenPath);
    // RFC 6749 puts the fields at top level; accept them inside the envelope's data too.
    const src = (parsed.data && typeof parsed.data === 'object' ? parsed.data : parsed.raw) as Record<string, unknown>;
    const value = src.access_token;
    const expiresIn = typeof src.expires_in === 'number' ? src.expires_in : 300;
    if (typeof value !== 'string' || value.length === 0) {
      throw new StationError('SERVER_REPLY_MALFORMED', 'token reply has no access_token', { path: tokenPath });
    }
    // Refresh a little early so a token never expires mid-batch on our side.
    this.token = { value, expiresAt: this.now() + Math.max(5, expiresIn - 30) * 1000 };
    return value;
  }
}

/** Protocol v1: client credentials with HTTP Basic at v1/oauth/token. */
export class ClientCredentialsAuth extends TokenAuth {
  constructor(http: HttpClient, credentials: Credentials, tokenPath = 'v1/oauth/token', now: () => number = Date.now) {
    super(http, credentials, { tokenPath, grant: 'client_credentials', style: 'basic' }, now);
  }
}

/**
 * DVCQG body session (spec §1 Auth): `POST auth {username, password}` with the `dstcode` header →
 * `{error_code: 0, session}`; every later body carries `session` and `madonvi`. Expiry is not documented
 * [U]: the adapter logs in again when a reply's error_code says the session is gone.
 */
export class BodySessionAuth implements AuthStrategy {
  readonly kind = 'body-session' as const;
  private session: string | null = null;
  private inflight: Promise<string> | null = null;

  constructor(
    private readonly http: HttpClient,
    private readonly credentials: Credentials,
    private readonly opts: { authPath: string; dstcode: string; madonvi: string; isSuccess: (code: unknown) => boolean },
  ) {}

  async authorize(): Promise<AuthMaterial> {
    this.inflight ??= (this.session ? Promise.resolve(this.session) : this.login()).finally(() => (this.inflight = null));
    const session = await this.inflight;
    return { headers: { dstcode: this.opts.dstcode }, bodyFields: { session, madonvi: this.opts.madonvi } };
  }

  invalidate(): void {
    this.session = null;
  }

  private async login(): Promise<string> {
    const { username, password } = this.credentials;
    if (!username || !password) throw new StationError('NOT_ENROLLED', 'DVCQG login needs a username and password (sohoa sync configure --credentials-file)');
    const path = this.opts.authPath;
    const reply = await this.http.request('POST', path, {
      headers: { 'Content-Type': 'application/json', dstcode: this.opts.dstcode },
      body: JSON.stringify({ username, password }),
    });
    if (reply.status !== 200) throw statusError(reply, path);
    const raw = parseReply(reply, path).raw as Record<string, unknown>;
    if (!this.opts.isSuccess(raw.error_code)) {
      throw new StationError('SERVER_AUTH_FAILED', `DVCQG login refused (error_code ${String(raw.error_code)}): ${String(raw.message ?? '')}`, {
        path,
        serverMessage: typeof raw.message === 'string' ? raw.message : '',
        errorCode: raw.error_code,
      });
    }
    if (typeof raw.session !== 'string' || raw.session.length === 0) throw new StationError('SERVER_REPLY_MALFORMED', 'DVCQG login reply has no session', { path });
    this.session = raw.session;
    return raw.session;
  }
}
