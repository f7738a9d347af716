/**
 * ObjectCache: the live objects of a few kinds (narrowed by a label selector),
 * kept in memory by list+watch, as client-go's reflector and informer do.
 *
 * Per kind: list, then watch from the list's resourceVersion with bookmarks.
 * Every event and bookmark advances the kind's resourceVersion, so a watch
 * that ends or breaks resumes from there without missing or repeating events;
 * a watch that expired (410) relists and reports the difference as events.
 * Once synced, it sends no requests besides the open watches (and one
 * re-watch per server-side watch timeout, 5–10 minutes).
 */
import { ConfigError, NotFoundError, messageOf, silentLogger } from '../core/index.ts';
import type { Logger } from '../core/index.ts';
import type { KubeClient } from './client.ts';
import { WatchExpiredError } from './errors.ts';
import { objectKey, typeKey } from './types.ts';
import type { KubeObject, ObjectRef, TypeRef, WatchEvent } from './types.ts';
import type { WatchHandle } from './watch.ts';

export type CacheEventType = 'added' | 'modified' | 'deleted';

export interface CacheEvent {
  type: CacheEventType;
  /** `apiVersion/kind/namespace/name`, as `objectKey` makes it. */
  key: string;
  /** The object now; for `deleted`, its last known state. */
  object: KubeObject;
  /** The object before a `modified`. */
  previous?: KubeObject;
}

export type CacheListener = (event: CacheEvent) => void;

export interface ObjectCacheOptions {
  types: TypeRef[];
  labelSelector?: string;
  /** Only this namespace (cluster-scoped kinds are watched cluster-wide); all when unset. */
  namespace?: string;
  logger?: Logger;
  /** First delay before retrying a failed list or watch; doubles up to `maxRetryDelayMs` (defaults 500 ms, 30 s). */
  retryDelayMs?: number;
  maxRetryDelayMs?: number;
  /** Server-side watch timeout; default a random 300–600 s so watches of many caches do not reopen together. */
  watchTimeoutSeconds?: number;
  /**
   * Applied to every object before it is cached (as client-go's informer
   * transforms): e.g. `withoutManagedFields` keeps memory down when the
   * field ownership is never read. Must return a new object or the same one unchanged.
   */
  transform?: (object: KubeObject) => KubeObject;
}

/** Drops `metadata.managedFields`, usually the largest part of a stored object. */
export function withoutManagedFields(object: KubeObject): KubeObject {
  if (object.metadata.managedFields === undefined) return object;
  const { managedFields: _dropped, ...metadata } = object.metadata;
  return { ...object, metadata };
}

/** Keeps one kind in sync. */
class Reflector {
  readonly type: TypeRef;
  readonly items = new Map<string, KubeObject>();
  resourceVersion: string | undefined;
  synced = false;
  readonly #client: KubeClient;
  readonly #options: ObjectCacheOptions;
  readonly #emit: (event: CacheEvent) => void;
  readonly #onSynced: (error?: Error) => void;
  readonly #logger: Logger;
  #watch: WatchHandle | undefined;
  #timer: NodeJS.Timeout | undefined;
  #failures = 0;
  #stopped = false;

  constructor(client: KubeClient, type: TypeRef, options: ObjectCacheOptions, emit: (event: CacheEvent) => void, onSynced: (error?: Error) => void) {
    this.#client = client;
    this.type = type;
    this.#options = options;
    this.#emit = emit;
    this.#onSynced = onSynced;
    this.#logger = (options.logger ?? silentLogger).child({ kind: typeKey(type) });
  }

  #key(object: KubeObject): string {
    return objectKey({ apiVersion: this.type.apiVersion, kind: this.type.kind, name: object.metadata.name, namespace: object.metadata.namespace });
  }

  #retryLater(what: () => void): void {
    const base = this.#options.retryDelayMs ?? 500;
    const delay = Math.min(base * 2 ** this.#failures, this.#options.maxRetryDelayMs ?? 30_000);
    this.#failures++;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      if (!this.#stopped) what();
    }, delay);
  }

  /** Lists, replaces the cached set (emitting the differences), then watches. */
  relist(): void {
    const listing = this.#client.list(this.type, { namespace: this.#options.namespace, labelSelector: this.#options.labelSelector });
    listing.then(
      (result) => {
        if (this.#stopped) return;
        const transform = this.#options.transform;
        this.#replace(transform ? result.items.map(transform) : result.items);
        this.resourceVersion = result.resourceVersion;
        this.#failures = 0;
        if (!this.synced) {
          this.synced = true;
          this.#onSynced();
        }
        this.#startWatch();
      },
      (error: unknown) => {
        if (this.#stopped) return;
        this.#logger.warn({ err: messageOf(error) }, 'kube cache list failed');
        // A kind the cluster does not serve or a bad selector will not fix itself soon: tell whoever waits.
        if (!this.synced && (error instanceof NotFoundError || error instanceof ConfigError)) this.#onSynced(error);
        this.#retryLater(() => this.relist());
      },
    );
  }

  #replace(items: KubeObject[]): void {
    const seen = new Set<string>();
    for (const item of items) {
      const key = this.#key(item);
      seen.add(key);
      const previous = this.items.get(key);
      this.items.set(key, item);
      if (!previous) this.#emit({ type: 'added', key, object: item });
      else if (previous.metadata.resourceVersion !== item.metadata.resourceVersion) this.#emit({ type: 'modified', key, object: item, previous });
    }
    for (const [key, object] of [...this.items]) {
      if (seen.has(key)) continue;
      this.items.delete(key);
      this.#emit({ type: 'deleted', key, object });
    }
  }

  #startWatch(): void {
    let events = 0;
    this.#watch = this.#client.watch(
      this.type,
      {
        namespace: this.#options.namespace,
        labelSelector: this.#options.labelSelector,
        resourceVersion: this.resourceVersion ?? '',
        allowBookmarks: true,
        timeoutSeconds: this.#options.watchTimeoutSeconds ?? Math.round(300 + Math.random() * 300),
      },
      (event) => {
        events++;
        this.#failures = 0;
        this.#apply(event);
      },
      (error) => {
        this.#watch = undefined;
        if (this.#stopped) return;
        if (error instanceof WatchExpiredError) {
          this.#logger.info({ resourceVersion: this.resourceVersion }, 'kube cache watch expired, relisting');
          this.relist();
        } else if (error) {
          this.#logger.warn({ err: messageOf(error), resourceVersion: this.resourceVersion }, 'kube cache watch failed, resuming');
          this.#retryLater(() => this.#startWatch());
        } else if (events === 0 && this.#failures > 0) {
          // Closed again at once without a single event: do not spin.
          this.#retryLater(() => this.#startWatch());
        } else {
          if (events === 0) this.#failures++;
          this.#startWatch();
        }
      },
    );
  }

  #apply(event: WatchEvent): void {
    const version = event.object.metadata.resourceVersion;
    if (event.type === 'BOOKMARK') {
      if (version) this.resourceVersion = version;
      return;
    }
    const typed = { ...event.object, apiVersion: this.type.apiVersion, kind: this.type.kind };
    const object = this.#options.transform ? this.#options.transform(typed) : typed;
    const key = this.#key(object);
    const previous = this.items.get(key);
    if (event.type === 'DELETED') {
      if (previous) {
        this.items.delete(key);
        this.#emit({ type: 'deleted', key, object });
      }
    } else {
      this.items.set(key, object);
      this.#emit(previous ? { type: 'modified', key, object, previous } : { type: 'added', key, object });
    }
    if (version) this.resourceVersion = version;
  }

  stop(): void {
    this.#stopped = true;
    this.#watch?.stop();
    this.#watch = undefined;
    if (this.#timer) clearTimeout(this.#timer);
  }
}

/**
 * The cache. Events are delivered synchronously, in the order of each kind's
 * watch; a listener that throws is logged and does not disturb the others.
 * `stop()` ends every watch and timer; the cache cannot be restarted.
 */
export class ObjectCache {
  readonly #reflectors: Map<string, Reflector>;
  readonly #listeners = new Set<CacheListener>();
  readonly #logger: Logger;
  readonly #synced: Promise<void>;
  #started = false;

  constructor(client: KubeClient, options: ObjectCacheOptions) {
    this.#logger = options.logger ?? silentLogger;
    const pending = new Set(options.types.map(typeKey));
    let resolve: () => void = () => {};
    let reject: (error: Error) => void = () => {};
    this.#synced = new Promise<void>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    // Nobody may be waiting yet; the rejection is still delivered to later callers of synced().
    this.#synced.catch(() => {});
    this.#reflectors = new Map(
      options.types.map((type) => {
        const key = typeKey(type);
        const onSynced = (error?: Error) => {
          if (error) return reject(error);
          pending.delete(key);
          if (pending.size === 0) resolve();
        };
        return [key, new Reflector(client, type, options, (event) => this.#emit(event), onSynced)];
      }),
    );
    if (pending.size === 0) resolve();
  }

  /** Starts the initial lists and watches (once). */
  start(): this {
    if (!this.#started) {
      this.#started = true;
      for (const reflector of this.#reflectors.values()) reflector.relist();
    }
    return this;
  }

  /** Resolves once every kind has been listed; rejects when a kind is not served (NotFoundError) or the selector is invalid. */
  synced(): Promise<void> {
    return this.#synced;
  }

  /** The cached object, if any. */
  get(ref: ObjectRef): KubeObject | undefined {
    return this.#reflectors.get(typeKey(ref))?.items.get(objectKey(ref));
  }

  /** The cached objects of one kind, or of all kinds. */
  list(type?: TypeRef): KubeObject[] {
    const reflectors = type ? [this.#reflectors.get(typeKey(type))] : [...this.#reflectors.values()];
    return reflectors.flatMap((reflector) => (reflector ? [...reflector.items.values()] : []));
  }

  /** The resourceVersion a kind's watch resumes from (advanced by events and bookmarks). */
  resourceVersion(type: TypeRef): string | undefined {
    return this.#reflectors.get(typeKey(type))?.resourceVersion;
  }

  /** Receives every later change; returns the unsubscribe function. */
  subscribe(listener: CacheListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #emit(event: CacheEvent): void {
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch (error) {
        this.#logger.error({ err: messageOf(error), key: event.key }, 'kube cache listener failed');
      }
    }
  }

  stop(): void {
    for (const reflector of this.#reflectors.values()) reflector.stop();
  }
}
