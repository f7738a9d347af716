import { request as httpsRequest } from 'node:https';
import type { FakeApiServer } from './server.ts';

export type RawResponse<T = Record<string, unknown>> = { status: number; body: T };

/** One HTTPS request to the fake (trusting its certificate), JSON in and out. */
export function raw<T = Record<string, unknown>>(
  server: FakeApiServer,
  method: string,
  path: string,
  body?: unknown,
  options: { contentType?: string; token?: string | null } = {},
): Promise<RawResponse<T>> {
  const text = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
  const token = options.token === undefined ? server.token : options.token;
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      `${server.url}${path}`,
      {
        method,
        ca: server.caPem,
        headers: {
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(text === undefined ? {} : { 'content-type': options.contentType ?? 'application/json' }),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const data = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, body: (data ? JSON.parse(data) : undefined) as T });
        });
      },
    );
    req.on('error', reject);
    req.end(text);
  });
}

export type WatchEvent = { type: string; object: Record<string, unknown> & { metadata?: Record<string, unknown> } };

/** An open watch: events as they arrive, and whether the server ended the stream. */
export type RawWatch = { status: number; next(): Promise<WatchEvent | undefined>; ended: Promise<void>; close(): void };

export function watch(server: FakeApiServer, path: string): Promise<RawWatch> {
  return new Promise((resolve, reject) => {
    const queue: WatchEvent[] = [];
    const waiting: ((event: WatchEvent | undefined) => void)[] = [];
    let finished = false;
    let endStream!: () => void;
    const ended = new Promise<void>((done) => (endStream = done));
    const finish = () => {
      finished = true;
      endStream();
      for (const waiter of waiting.splice(0)) waiter(undefined);
    };
    const req = httpsRequest(`${server.url}${path}`, { ca: server.caPem, headers: { authorization: `Bearer ${server.token}` } }, (res) => {
      let buffer = '';
      res.on('data', (chunk: Buffer) => {
        buffer += chunk.toString('utf8');
        let newline: number;
        while ((newline = buffer.indexOf('\n')) >= 0) {
          const event = JSON.parse(buffer.slice(0, newline)) as WatchEvent;
          buffer = buffer.slice(newline + 1);
          const waiter = waiting.shift();
          if (waiter) waiter(event);
          else queue.push(event);
        }
      });
      res.on('end', finish);
      res.on('error', finish);
      res.on('close', finish);
      resolve({
        status: res.statusCode ?? 0,
        next: () => {
          const event = queue.shift();
          if (event || finished) return Promise.resolve(event);
          return new Promise((done) => waiting.push(done));
        },
        ended,
        close: () => req.destroy(),
      });
    });
    req.on('error', (error) => (finished ? undefined : reject(error)));
    req.end();
  });
}
