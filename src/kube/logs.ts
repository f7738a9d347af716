/**
 * A container's log as a byte stream: `GET …/pods/{name}/log?container=&follow=true`.
 * With `follow` the stream ends when the container exits (or the pod goes).
 */
import type { Transport } from './transport.ts';

export interface LogOptions {
  container: string;
  /** Keep the stream open while the container runs. */
  follow?: boolean;
  /** Ends the stream early. */
  signal?: AbortSignal;
}

export async function* streamLog(transport: Transport, path: string, options: LogOptions): AsyncGenerator<Uint8Array> {
  const controller = new AbortController();
  const abort = () => controller.abort(options.signal?.reason);
  options.signal?.addEventListener('abort', abort, { once: true });
  try {
    const body = await transport.stream({
      method: 'GET',
      path,
      query: { container: options.container, follow: options.follow ? 'true' : undefined },
      accept: '*/*',
      signal: controller.signal,
    });
    const reader = body.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        if (value.byteLength > 0) yield value;
      }
    } finally {
      reader.releaseLock();
    }
  } catch (error) {
    if (controller.signal.aborted) return;
    throw error;
  } finally {
    options.signal?.removeEventListener('abort', abort);
    controller.abort();
  }
}
