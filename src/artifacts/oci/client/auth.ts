import { ExternalError, type Clock, type Logger } from '../../../core/index.ts';
import type { Challenge } from './challenge.ts';
import { readErrorText } from './errors.ts';

export interface Credentials {
  username: string;
  password: string;
}

/** Sends one request with retries on transient failures (the transport's raw path). */
export type RetryingFetch = (url: string, init: RequestInit) => Promise<Response>;

interface CachedToken {
  token: string;
  expiresAt: number;
}

/** Tokens without `expires_in` live 60 s (token.md); renew a little before. */
const defaultTokenSeconds = 60;
const renewMarginMs = 5_000;

/**
 * Registry authentication, learnt from challenges: requests go out
 * anonymously until a 401 names a scheme. `Basic` then sends the
 * credentials on every request; `Bearer` fetches a token from the realm
 * (with the credentials when given) and caches it per set of scopes, so
 * later requests for the same scopes carry it up front.
 */
export class Authenticator {
  private readonly credentials: Credentials | undefined;
  private readonly send: RetryingFetch;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private basic = false;
  private bearer: { realm: string; service: string | undefined } | undefined;
  private readonly tokens = new Map<string, CachedToken>();
  /** Token requests in flight, so that parallel requests for one scope share one. */
  private readonly pending = new Map<string, Promise<string>>();

  constructor(options: { credentials: Credentials | undefined; send: RetryingFetch; clock: Clock; logger: Logger }) {
    this.credentials = options.credentials;
    this.send = options.send;
    this.clock = options.clock;
    this.logger = options.logger;
  }

  /** The `Authorization` value to send up front for these scopes, when one is known. */
  async headerFor(scopes: string[]): Promise<string | undefined> {
    if (this.basic) return this.basicHeader();
    if (!this.bearer) return undefined;
    const cached = this.tokens.get(scopeKey(scopes));
    if (cached && cached.expiresAt > this.clock.now()) return `Bearer ${cached.token}`;
    // The realm is known from an earlier challenge: skip the anonymous round trip.
    return `Bearer ${await this.fetchToken(scopes, [])}`;
  }

  /**
   * The `Authorization` value to retry a refused request with, or undefined
   * when the challenge cannot be met (no credentials, or they were refused).
   */
  async answer(challenge: Challenge | undefined, scopes: string[], sent: string | undefined): Promise<string | undefined> {
    if (challenge?.scheme === 'basic') {
      const header = this.basicHeader();
      if (!header || sent === header) return undefined;
      this.basic = true;
      return header;
    }
    if (challenge?.scheme === 'bearer') {
      const realm = challenge.params.realm;
      if (!realm) throw new ExternalError('registry sent a Bearer challenge without a realm', { challenge });
      this.bearer = { realm, service: challenge.params.service };
      // A parallel request may have fetched a fresh token meanwhile: use it rather than ask again.
      const cached = this.tokens.get(scopeKey(scopes));
      if (cached && cached.expiresAt > this.clock.now() && `Bearer ${cached.token}` !== sent) return `Bearer ${cached.token}`;
      this.tokens.delete(scopeKey(scopes));
      const extra = challenge.params.scope ? challenge.params.scope.split(' ').filter(Boolean) : [];
      const token = await this.fetchToken(scopes, extra);
      return sent === `Bearer ${token}` ? undefined : `Bearer ${token}`;
    }
    return undefined;
  }

  private basicHeader(): string | undefined {
    if (!this.credentials) return undefined;
    const { username, password } = this.credentials;
    return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
  }

  private fetchToken(scopes: string[], extra: string[]): Promise<string> {
    const key = scopeKey(scopes);
    const inFlight = this.pending.get(key);
    if (inFlight) return inFlight;
    const request = this.requestToken(scopes, extra).finally(() => this.pending.delete(key));
    this.pending.set(key, request);
    return request;
  }

  private async requestToken(scopes: string[], extra: string[]): Promise<string> {
    const bearer = this.bearer!;
    const url = new URL(bearer.realm);
    if (bearer.service) url.searchParams.set('service', bearer.service);
    for (const scope of [...new Set([...scopes, ...extra])]) url.searchParams.append('scope', scope);
    const headers: Record<string, string> = { accept: 'application/json' };
    const basic = this.basicHeader();
    if (basic) headers.authorization = basic;
    this.logger.debug({ realm: bearer.realm, service: bearer.service, scopes }, 'registry token request');
    const response = await this.send(url.toString(), { method: 'GET', headers });
    if (!response.ok) {
      const text = await readErrorText(response);
      throw new ExternalError(`token service ${url.origin} refused the token request with HTTP ${response.status}${text ? `: ${text.trim().slice(0, 200)}` : ''}`, {
        status: response.status,
        realm: bearer.realm,
      });
    }
    const body = (await response.json().catch(() => ({}))) as { token?: unknown; access_token?: unknown; expires_in?: unknown };
    const token = typeof body.token === 'string' && body.token ? body.token : body.access_token;
    if (typeof token !== 'string' || token === '') {
      throw new ExternalError(`token service ${url.origin} answered without a token`, { realm: bearer.realm });
    }
    const seconds = typeof body.expires_in === 'number' && body.expires_in > 0 ? body.expires_in : defaultTokenSeconds;
    this.tokens.set(scopeKey(scopes), { token, expiresAt: this.clock.now() + Math.max(seconds * 1000 - renewMarginMs, 1000) });
    return token;
  }
}

function scopeKey(scopes: string[]): string {
  return [...scopes].sort().join(' ');
}
