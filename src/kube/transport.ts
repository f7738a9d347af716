/**
 * HTTP to kube-apiserver through `@kubernetes/client-node`'s own machinery:
 * `KubeConfig.applySecurityAuthentication` sets credentials (tokens, exec
 * plugins, client certificates, CA) on a `RequestContext`, and its fetch
 * library sends it. One TLS dispatcher is kept per client so connections are
 * reused (the library would make a new one per request).
 *
 * Unary requests are retried on transient failures (no answer, 429, 5xx) with
 * exponential backoff, honouring Retry-After; streams (watches) are not.
 * At most `maxInFlight` unary requests are on the wire at once (the rest
 * queue), so a burst reuses a small pool of kept-alive connections instead
 * of opening one TLS connection per request.
 */
import { IsomorphicFetchHttpLibrary, RequestContext } from '@kubernetes/client-node';
import type { KubeConfig } from '@kubernetes/client-node';
import { ConfigError, ExternalError, Limiter, messageOf } from '../core/index.ts';
import type { Logger } from '../core/index.ts';
import { errorForStatus } from './errors.ts';
import { parseJson, parseStatus } from './status.ts';

type Dispatcher = NonNullable<ReturnType<RequestContext['getDispatcher']>>;
type Method = 'GET' | 'PATCH' | 'DELETE' | 'POST' | 'PUT';

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  attempts: number;
  /** Delay before the second attempt; doubles each time, capped by `maxDelayMs`. */
  baseDelayMs: number;
  maxDelayMs: number;
}

export const defaultRetry: RetryPolicy = { attempts: 4, baseDelayMs: 200, maxDelayMs: 5_000 };

/** Unary requests on the wire at once, per client (client-go's default QPS burst is of this order). */
export const defaultMaxInFlight = 32;

export interface HttpRequest {
  method: Method;
  path: string;
  query?: Record<string, string | undefined>;
  body?: string;
  contentType?: string;
  accept?: string;
  signal?: AbortSignal;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  text: string;
}

function isTransient(status: number): boolean {
  return status === 429 || (status >= 500 && status !== 501);
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

export class Transport {
  readonly #kc: KubeConfig;
  readonly #server: string;
  readonly #http = new IsomorphicFetchHttpLibrary();
  readonly #retry: RetryPolicy;
  readonly #logger: Logger;
  readonly #inFlight: Limiter;
  #dispatcher: Dispatcher | undefined;

  constructor(kc: KubeConfig, retry: RetryPolicy, logger: Logger, maxInFlight = defaultMaxInFlight) {
    this.#kc = kc;
    this.#server = (kc.getCurrentCluster()?.server ?? '').replace(/\/+$/, '');
    this.#retry = retry;
    this.#logger = logger;
    this.#inFlight = new Limiter(maxInFlight);
  }

  async #context(request: HttpRequest): Promise<RequestContext> {
    const url = new URL(this.#server + request.path);
    for (const [key, value] of Object.entries(request.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, value);
    }
    const ctx = new RequestContext(url.toString(), request.method);
    ctx.setHeaderParam('Accept', request.accept ?? 'application/json');
    ctx.setHeaderParam('User-Agent', 'trunkline');
    if (request.body !== undefined) {
      ctx.setHeaderParam('Content-Type', request.contentType ?? 'application/json');
      ctx.setBody(request.body);
    }
    if (request.signal) ctx.setSignal(request.signal);
    try {
      await this.#kc.applySecurityAuthentication(ctx);
    } catch (error) {
      // Credentials or TLS settings that cannot be used: not worth retrying.
      throw new ConfigError(`Kubernetes credentials cannot be used: ${messageOf(error)}`, undefined, { cause: error });
    }
    const fresh = ctx.getDispatcher();
    if (this.#dispatcher) {
      // The library makes a dispatcher per call; one never used holds no connection and is left to the
      // garbage collector (closing it costs an error object per request).
      ctx.setDispatcher(this.#dispatcher);
    } else {
      this.#dispatcher = fresh;
    }
    return ctx;
  }

  async #sendOnce(request: HttpRequest) {
    const ctx = await this.#context(request);
    return this.#http.send(ctx).toPromise();
  }

  /**
   * One unary exchange, body read. Through the kept dispatcher's own
   * `request()` when there is one: `fetch` costs several times more per
   * call (a body stream, extra writes), which dominates bulk applies.
   */
  async #exchange(request: HttpRequest): Promise<HttpResponse> {
    const ctx = await this.#context(request);
    const dispatcher = ctx.getDispatcher();
    if (!dispatcher) {
      const answer = await this.#http.send(ctx).toPromise();
      return { status: answer.httpStatusCode, headers: answer.headers, text: await answer.body.text() };
    }
    const url = new URL(ctx.getUrl());
    const answer = await dispatcher.request({
      origin: url.origin,
      path: url.pathname + url.search,
      method: request.method,
      headers: ctx.getHeaders(),
      body: request.body,
      signal: request.signal,
    });
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(answer.headers)) if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
    return { status: answer.statusCode, headers, text: await answer.body.text() };
  }

  /** Sends a unary request; any answer is returned (the caller maps failures), transient ones after retries. */
  async request(request: HttpRequest): Promise<HttpResponse> {
    for (let attempt = 1; ; attempt++) {
      const last = attempt >= this.#retry.attempts;
      let delay = Math.min(this.#retry.baseDelayMs * 2 ** (attempt - 1), this.#retry.maxDelayMs);
      try {
        // The slot is held until the body is read: the connection is busy until then.
        const response = await this.#inFlight.run(() => this.#exchange(request));
        if (last || !isTransient(response.status)) return response;
        const retryAfter = Number(response.headers['retry-after']);
        if (Number.isFinite(retryAfter) && retryAfter > 0) delay = Math.min(retryAfter * 1000, this.#retry.maxDelayMs);
        this.#logger.debug({ method: request.method, path: request.path, status: response.status, attempt }, 'kube request retried');
      } catch (error) {
        if (request.signal?.aborted || error instanceof ConfigError) throw error;
        if (last) {
          throw new ExternalError(`Kubernetes API ${request.method} ${request.path}: ${messageOf(error)} (${(error as { cause?: unknown }).cause ? messageOf((error as { cause: unknown }).cause) : 'no answer'})`, { status: 0, method: request.method, path: request.path }, { cause: error });
        }
        this.#logger.debug({ method: request.method, path: request.path, err: messageOf(error), attempt }, 'kube request retried');
      }
      await sleep(delay, request.signal);
      if (request.signal?.aborted) throw request.signal.reason;
    }
  }

  /** Sends a request and returns the parsed JSON body of a 2xx answer; throws the typed error of any other. */
  async json(request: HttpRequest): Promise<unknown> {
    const response = await this.request(request);
    const body = parseJson(response.text);
    if (response.status < 200 || response.status > 299) {
      throw errorForStatus(response.status, parseStatus(body), request, response.text);
    }
    if (body === undefined) {
      throw new ExternalError(`Kubernetes API ${request.method} ${request.path}: answer is not JSON`, { status: response.status, method: request.method, path: request.path });
    }
    return body;
  }

  /** Opens a streaming request (a watch), without retries; throws the typed error of a non-2xx answer. */
  async stream(request: HttpRequest): Promise<ReadableStream<Uint8Array>> {
    let response;
    try {
      response = await this.#sendOnce(request);
    } catch (error) {
      if (request.signal?.aborted || error instanceof ConfigError) throw error;
      throw new ExternalError(`Kubernetes API ${request.method} ${request.path}: ${messageOf(error)}`, { status: 0, method: request.method, path: request.path }, { cause: error });
    }
    if (response.httpStatusCode < 200 || response.httpStatusCode > 299) {
      const text = await response.body.text();
      throw errorForStatus(response.httpStatusCode, parseStatus(parseJson(text)), request, text);
    }
    const body = response.body.stream();
    if (!body) throw new ExternalError(`Kubernetes API ${request.method} ${request.path}: empty stream`, { status: response.httpStatusCode, method: request.method, path: request.path });
    return body;
  }

  /** Closes pooled connections; requests after this fail. */
  async close(): Promise<void> {
    const dispatcher = this.#dispatcher;
    this.#dispatcher = undefined;
    if (dispatcher) await dispatcher.close();
  }
}
