import { StationError } from '../../common/errors';
import type { AuthMaterial, AuthStrategy, Credentials } from './adapter';
import type { HttpClient } from './http';
import { parseReply } from './envelope';

/**
 * OAuth2 client credentials (RFC 6749 §4.4): `POST token` with HTTP Basic clientId:clientSecret and
 * `grant_type=client_credentials`; the bearer is cached until shortly before `expires_in`.
 */
export class ClientCredentialsAuth implements AuthStrategy {
  readonly kind = 'oauth2-client-credentials' as const;
  private token: { value: string; expiresAt: number } | null = null;
  private inflight: Promise<string> | null = null;

  constructor(
    private readonly http: HttpClient,
    private readonly credentials: Credentials,
    private readonly tokenPath = 'v1/oauth/token',
    private readonly now: () => number = Date.now,
  ) {}

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
    const basic = Buffer.from(`${encodeURIComponent(this.credentials.clientId)}:${encodeURIComponent(this.credentials.clientSecret)}`).toString('base64');
    const reply = await this.http.request('POST', this.tokenPath, {
      headers: { Authorization: `Basic ${basic}`, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials',
    });
    if (reply.status === 401 || reply.status === 403 || reply.status === 400) {
      // A token endpoint refusing our credentials: revoked, or the server was reset. Enrol again.
      throw new StationError('SERVER_AUTH_FAILED', `token endpoint refused the station's credentials (HTTP ${reply.status})`, { status: reply.status });
    }
    const parsed = parseReply(reply, this.tokenPath);
    // RFC 6749 puts the fields at top level; accept them inside the envelope's data too.
    const src = (parsed.data && typeof parsed.data === 'object' ? parsed.data : parsed.raw) as Record<string, unknown>;
    const value = src.access_token;
    const expiresIn = typeof src.expires_in === 'number' ? src.expires_in : 300;
    if (typeof value !== 'string' || value.length === 0) {
      throw new StationError('SERVER_REPLY_MALFORMED', 'token reply has no access_token', { path: this.tokenPath });
    }
    // Refresh a little early so a token never expires mid-batch on our side.
    this.token = { value, expiresAt: this.now() + Math.max(5, expiresIn - 30) * 1000 };
    return value;
  }
}

/**
 * Interface slot: OIDC resource-owner password grant (VNPT iGate Keycloak: `grant_type=password` with a
 * clerk's account, realm `digo`). Not implemented: needs a province-issued account to test against.
 */
export class OidcPasswordAuth implements AuthStrategy {
  readonly kind = 'oidc-password' as const;
  authorize(): Promise<AuthMaterial> {
    return Promise.reject(new StationError('UNSUPPORTED', 'OIDC password-grant auth is not implemented yet'));
  }
  invalidate(): void {}
}

/**
 * Interface slot: DVCQG-style body session (`POST auth_endpoint {username,password}` → `session`, sent
 * as a body field `session` next to `madonvi` on every call). Not implemented.
 */
export class BodySessionAuth implements AuthStrategy {
  readonly kind = 'body-session' as const;
  authorize(): Promise<AuthMaterial> {
    return Promise.reject(new StationError('UNSUPPORTED', 'DVCQG body-session auth is not implemented yet'));
  }
  invalidate(): void {}
}
