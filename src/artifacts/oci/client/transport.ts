import { ExternalError, messageOf, type Clock, type Logger } from '../../../core/index.ts';
import { Authenticator, type Credentials } from './auth.ts';
import { parseChallenge } from './challenge.ts';
import { readErrorText, registryError } from './errors.ts';

export type Method = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** One registry request, described so that it can be sent again (retries, auth). */
export interface Call {
  method: Method;
  /** A path on the registry (`/v2/…`) or an absolute URL (an upload `Location`). */
  url: string;
  /** Token scopes the request needs, e.g. `repository:acme/app:pull,push`. */
  scopes: string[];
  /** What the request does, for error messages: `GET manifest acme/app:1`. */
  what: string;
  headers?: Record<string, string>;
  /** Made anew for every attempt so that a stream starts over. */
  body?: () => Buffer | ReadableStream<Uint8Array>;
}

export interface TransportOptions {
  registry: string;
  insecure: boolean;
  fetch: typeof fetch;
  retries: number;
  retryDelayMs: number;
  credentials: Credentials | undefined;
  logger: Logger;
  clock: Clock;
}

/** Statuses a registry or a proxy in front of it answers while it is overloaded or restarting. */
const transientStatuses = new Set([429, 502, 503, 504]);
const maxRetryDelayMs = 10_000;

/**
 * HTTP to one registry: base URL, authentication (see `Authenticator`),
 * and bounded exponential-backoff retries on network errors and transient
 * statuses. Every other status is handed back for the caller to judge.
 */
export class Transport {
  readonly registry: string;
  readonly base: string;
  private readonly options: TransportOptions;
  private readonly auth: Authenticator;

  constructor(options: TransportOptions) {
    this.options = options;
    this.registry = options.registry;
    this.base = `${options.insecure ? 'http' : 'https'}://${options.registry}`;
    this.auth = new Authenticator({
      credentials: options.credentials,
      clock: options.clock,
      logger: options.logger,
      send: (url, init) => this.withRetries(url, () => init, `token request to ${new URL(url).origin}`),
    });
  }

  /** How many extra attempts a transient failure gets. */
  get retries(): number {
    return this.options.retries;
  }

  /** Waits before attempt `attempt + 1` (exponential backoff). */
  pause(attempt: number): Promise<void> {
    return delay(this.backoff(attempt, undefined));
  }

  url(pathOrUrl: string): string {
    return pathOrUrl.startsWith('/') ? `${this.base}${pathOrUrl}` : pathOrUrl;
  }

  /** Sends a call; answers a 401 challenge once. Throws only when it cannot get an answer. */
  async send(call: Call): Promise<Response> {
    const sent = await this.auth.headerFor(call.scopes);
    const response = await this.attempt(call, sent);
    if (response.status !== 401) return response;
    const text = await readErrorText(response);
    const challenge = parseChallenge(response.headers.get('www-authenticate'));
    const retryWith = await this.auth.answer(challenge, call.scopes, sent);
    if (!retryWith) throw registryError(this.registry, call.what, 401, text);
    const again = await this.attempt(call, retryWith);
    if (again.status === 401) throw registryError(this.registry, call.what, 401, await readErrorText(again));
    return again;
  }

  /** Throws the registry's error for an unexpected answer. */
  async fail(call: Call, response: Response): Promise<never> {
    throw registryError(this.registry, call.what, response.status, await readErrorText(response));
  }

  private attempt(call: Call, authorization: string | undefined): Promise<Response> {
    const url = this.url(call.url);
    return this.withRetries(url, () => {
      const headers: Record<string, string> = { ...call.headers };
      if (authorization) headers.authorization = authorization;
      const body = call.body?.();
      const init: RequestInit = { method: call.method, headers };
      if (body !== undefined) {
        init.body = body;
        if (!Buffer.isBuffer(body)) (init as { duplex?: string }).duplex = 'half';
      }
      return init;
    }, call.what);
  }

  private async withRetries(url: string, init: () => RequestInit, what: string): Promise<Response> {
    const { retries, logger } = this.options;
    for (let attempt = 0; ; attempt += 1) {
      let response: Response;
      try {
        response = await this.options.fetch(url, init());
      } catch (error) {
        if (attempt >= retries) {
          throw new ExternalError(`registry ${this.registry}: ${what} failed: ${describe(error)}`, { registry: this.registry }, { cause: error });
        }
        logger.warn({ registry: this.registry, what, attempt: attempt + 1, error: describe(error) }, 'registry request failed, retrying');
        await delay(this.backoff(attempt, undefined));
        continue;
      }
      if (!transientStatuses.has(response.status) || attempt >= retries) return response;
      logger.warn({ registry: this.registry, what, attempt: attempt + 1, status: response.status }, 'registry busy, retrying');
      await response.body?.cancel().catch(() => {});
      await delay(this.backoff(attempt, response.headers.get('retry-after')));
    }
  }

  private backoff(attempt: number, retryAfter: string | null | undefined): number {
    const seconds = retryAfter ? Number(retryAfter) : Number.NaN;
    const wanted = Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : this.options.retryDelayMs * 2 ** attempt;
    return Math.min(wanted, maxRetryDelayMs);
  }
}

function describe(error: unknown): string {
  const cause = error instanceof Error && error.cause !== undefined ? `: ${messageOf(error.cause)}` : '';
  return `${messageOf(error)}${cause}`;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export const scopes = {
  pull: (repository: string): string => `repository:${repository}:pull`,
  push: (repository: string): string => `repository:${repository}:pull,push`,
  delete: (repository: string): string => `repository:${repository}:delete`,
};
