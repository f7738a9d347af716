import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export interface ClientOptions {
  server?: string;
  token?: string;
}

export class ApiError extends Error {
  readonly status: number;
  readonly body: { error?: string; message?: string; details?: unknown };

  constructor(status: number, body: { error?: string; message?: string; details?: unknown }) {
    super(body.message ?? `HTTP ${status}`);
    this.status = status;
    this.body = body;
  }
}

/**
 * The HTTP API as the command line uses it. Server and token come from
 * flags, then `TRUNKLINE_SERVER`/`TRUNKLINE_TOKEN`, then the local
 * defaults (the embedded server and the admin token it wrote on first start).
 */
export class ApiClient {
  readonly server: string;
  private readonly token: string | undefined;

  constructor(options: ClientOptions = {}) {
    this.server = (options.server ?? process.env.TRUNKLINE_SERVER ?? 'http://127.0.0.1:8080').replace(/\/+$/, '');
    this.token = options.token ?? process.env.TRUNKLINE_TOKEN ?? localAdminToken();
  }

  get<T>(path: string): Promise<T> {
    return this.request<T>('GET', path);
  }

  post<T>(path: string, body: unknown = {}): Promise<T> {
    return this.request<T>('POST', path, body);
  }

  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.server}${path}`, {
      method,
      headers: { ...this.authHeader(), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    }).catch((error: unknown) => {
      throw new Error(`cannot reach the Trunkline server at ${this.server}: ${(error as Error).cause ?? error}`);
    });
    const text = await response.text();
    const parsed: unknown = text ? JSON.parse(text) : undefined;
    if (!response.ok) throw new ApiError(response.status, (parsed ?? {}) as ApiError['body']);
    return parsed as T;
  }

  /** A streamed answer's body as it arrives (e.g. JSON lines). */
  async *stream(path: string): AsyncGenerator<Uint8Array> {
    const response = await fetch(`${this.server}${path}`, { headers: this.authHeader() }).catch((error: unknown) => {
      throw new Error(`cannot reach the Trunkline server at ${this.server}: ${(error as Error).cause ?? error}`);
    });
    if (!response.ok || !response.body) throw new ApiError(response.status, (await response.json().catch(() => ({}))) as ApiError['body']);
    for await (const chunk of response.body) yield chunk as Uint8Array;
  }

  /** An SSE stream as an async sequence of `{event, data}`. */
  async *events(path: string): AsyncGenerator<{ event: string; data: unknown }> {
    const response = await fetch(`${this.server}${path}`, { headers: { ...this.authHeader(), accept: 'text/event-stream' } });
    if (!response.ok || !response.body) throw new ApiError(response.status, (await response.json().catch(() => ({}))) as ApiError['body']);
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of response.body) {
      buffer += decoder.decode(chunk as Uint8Array, { stream: true });
      let boundary: number;
      while ((boundary = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, boundary);
        buffer = buffer.slice(boundary + 2);
        const fields = Object.fromEntries(
          block
            .split('\n')
            .filter((line) => line && !line.startsWith(':'))
            .map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1).trimStart()]),
        );
        if (fields.event) yield { event: fields.event, data: fields.data ? JSON.parse(fields.data) : undefined };
      }
    }
  }

  private authHeader(): Record<string, string> {
    return this.token ? { authorization: `Bearer ${this.token}` } : {};
  }
}

function localAdminToken(): string | undefined {
  try {
    return readFileSync(join(resolve(process.env.TRUNKLINE_DATA_DIR ?? '.trunkline'), 'admin.token'), 'utf8').trim();
  } catch {
    return undefined;
  }
}
