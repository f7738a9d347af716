/**
 * One watch stream: newline-delimited JSON events read from a streaming GET.
 * Written over the transport instead of client-node's `Watch` because that
 * one drops lines it cannot parse and aborts a quiet stream after 30 s, which
 * would reopen every watch of a quiet cluster twice a minute.
 */
import { z } from 'zod';
import { ExternalError, isTrunklineError, messageOf } from '../core/index.ts';
import { errorForStatus } from './errors.ts';
import { parseStatus } from './status.ts';
import type { HttpRequest, Transport } from './transport.ts';
import type { KubeObject, TypeRef, WatchEvent } from './types.ts';

export interface WatchHandle {
  /** Closes the stream; `onDone` is not called after this. Idempotent. */
  stop(): void;
}

const eventSchema = z.object({
  type: z.enum(['ADDED', 'MODIFIED', 'DELETED', 'BOOKMARK', 'ERROR']),
  object: z.looseObject({
    apiVersion: z.string().optional(),
    kind: z.string().optional(),
    metadata: z.looseObject({ name: z.string().optional(), resourceVersion: z.string().optional() }).optional(),
  }),
});

/**
 * Starts `request` as a watch. `onEvent` receives events in order; `onDone`
 * is called exactly once unless stopped: with no error when the server ended
 * the stream (its timeout), else with the failure (WatchExpiredError for 410).
 * An exception thrown by `onEvent` ends the watch and is passed to `onDone`.
 */
export function openWatch(transport: Transport, request: HttpRequest, type: TypeRef, onEvent: (event: WatchEvent) => void, onDone: (error?: Error) => void): WatchHandle {
  const controller = new AbortController();
  let finished = false;
  let callbackError: Error | undefined;
  const finish = (error?: Error) => {
    if (finished) return;
    finished = true;
    controller.abort();
    onDone(error);
  };

  const handleLine = (line: string) => {
    let parsedJson: unknown;
    try {
      parsedJson = JSON.parse(line);
    } catch {
      throw new ExternalError(`Kubernetes API watch ${request.path}: line is not JSON: ${line.slice(0, 200)}`, { status: 200, method: 'GET', path: request.path });
    }
    const parsed = eventSchema.safeParse(parsedJson);
    if (!parsed.success) {
      throw new ExternalError(`Kubernetes API watch ${request.path}: unexpected event: ${line.slice(0, 200)}`, { status: 200, method: 'GET', path: request.path });
    }
    const event = parsed.data;
    if (event.type === 'ERROR') {
      const status = parseStatus(event.object);
      throw errorForStatus(status?.code ?? 500, status, { method: 'GET', path: request.path }, line);
    }
    const object = {
      ...event.object,
      apiVersion: event.object.apiVersion ?? type.apiVersion,
      kind: event.object.kind ?? type.kind,
      metadata: { name: '', ...event.object.metadata },
    } as KubeObject;
    try {
      onEvent({ type: event.type, object });
    } catch (error) {
      callbackError = error instanceof Error ? error : new Error(String(error));
      throw callbackError;
    }
  };

  const run = async () => {
    const body = await transport.stream({ ...request, signal: controller.signal });
    const decoder = new TextDecoder();
    let buffered = '';
    for await (const chunk of body) {
      if (finished) return;
      buffered += decoder.decode(chunk, { stream: true });
      let newline;
      while ((newline = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, newline).trim();
        buffered = buffered.slice(newline + 1);
        if (line) handleLine(line);
        if (finished) return;
      }
    }
    const rest = (buffered + decoder.decode()).trim();
    if (rest) handleLine(rest);
  };

  run().then(
    () => finish(),
    (error: unknown) => {
      if (finished) return;
      finish(callbackError ?? (isTrunklineError(error) ? error : new ExternalError(`Kubernetes API watch ${request.path} broke off: ${messageOf(error)}`, { status: 0, method: 'GET', path: request.path }, { cause: error })));
    },
  );

  return {
    stop() {
      finished = true;
      controller.abort();
    },
  };
}
