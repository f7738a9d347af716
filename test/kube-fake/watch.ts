import type { ServerResponse } from 'node:http';
import { clone, isObject, metadataOf, type JsonObject } from './json.ts';
import type { LabelSelector } from './selector.ts';
import { statusBody } from './status.ts';
import type { ObjectStore, StoredEvent } from './store.ts';

export type WatchRequest = {
  resource: string;
  namespace: string | undefined;
  apiVersion: string;
  kind: string;
  /** Items' kind/apiVersion as watch events carry them. */
  decorate: (object: JsonObject) => JsonObject;
  matches: (object: JsonObject) => boolean;
  resourceVersion: string;
  bookmarks: boolean;
  timeoutSeconds: number | undefined;
  initial: () => JsonObject[];
};

export function labelsOf(object: JsonObject): Record<string, string> {
  const labels = metadataOf(clone(object)).labels;
  return isObject(labels) ? (labels as Record<string, string>) : {};
}

export function selectorMatcher(labelSelector: LabelSelector, fieldSelector: (object: JsonObject) => boolean) {
  return (object: JsonObject) => labelSelector(labelsOf(object)) && fieldSelector(object);
}

/** One watch connection: newline-delimited JSON events, bookmarks on request, ends on timeout or drop. */
export class WatchStream {
  private readonly response: ServerResponse;
  private readonly request: WatchRequest;
  private readonly store: ObjectStore;
  private unsubscribe: (() => void) | undefined;
  private timer: NodeJS.Timeout | undefined;
  readonly done: Promise<void>;
  private finish!: () => void;

  constructor(store: ObjectStore, request: WatchRequest, response: ServerResponse) {
    this.store = store;
    this.request = request;
    this.response = response;
    this.done = new Promise((resolve) => (this.finish = resolve));
  }

  start(): void {
    const { request, response, store } = this;
    response.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-cache, private', 'transfer-encoding': 'chunked' });
    response.flushHeaders();
    response.on('close', () => this.close());
    const from = request.resourceVersion;
    if (from === '' || from === '0') {
      for (const object of request.initial()) if (request.matches(object)) this.send('ADDED', request.decorate(object));
    } else {
      const revision = Number(from);
      const backlog = Number.isInteger(revision) ? store.since(revision) : 'expired';
      if (backlog === 'expired') {
        this.send('ERROR', statusBody(410, 'Expired', `too old resource version: ${from} (${store.compactedRevision()})`));
        this.close();
        return;
      }
      for (const event of backlog) this.deliver(event);
    }
    this.unsubscribe = store.subscribe((event) => this.deliver(event));
    if (request.timeoutSeconds !== undefined) this.timer = setTimeout(() => this.close(), request.timeoutSeconds * 1000);
  }

  private deliver(event: StoredEvent): void {
    const { request } = this;
    if (event.resource !== request.resource) return;
    if (request.namespace !== undefined && event.namespace !== request.namespace) return;
    const now = request.matches(event.object);
    const before = event.previous !== undefined && event.type === 'MODIFIED' && request.matches(event.previous);
    let type: string = event.type;
    if (event.type === 'MODIFIED') {
      if (now && !before) type = 'ADDED';
      else if (!now && before) type = 'DELETED';
      else if (!now) return;
    } else if (!now) return;
    this.send(type, request.decorate(event.object));
  }

  /** Sends a BOOKMARK with the current resourceVersion, if the client allowed bookmarks. */
  bookmark(): void {
    if (!this.request.bookmarks || this.response.writableEnded) return;
    this.send('BOOKMARK', { kind: this.request.kind, apiVersion: this.request.apiVersion, metadata: { resourceVersion: String(this.store.currentRevision()) } });
  }

  private send(type: string, object: JsonObject): void {
    if (!this.response.writableEnded) this.response.write(`${JSON.stringify({ type, object })}\n`);
  }

  /** Ends the stream cleanly (as a server-side timeout does). */
  close(): void {
    this.unsubscribe?.();
    if (this.timer) clearTimeout(this.timer);
    if (!this.response.writableEnded) this.response.end();
    this.finish();
  }

  /** Cuts the connection without a clean end (as a dropped network or restarted apiserver does). */
  drop(): void {
    this.unsubscribe?.();
    if (this.timer) clearTimeout(this.timer);
    this.response.socket?.destroy();
    this.finish();
  }
}
