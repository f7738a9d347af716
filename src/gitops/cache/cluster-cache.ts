/**
 * The live objects Trunkline manages in one cluster: every object carrying
 * the `trunkline.dev/app` label, of every kind an application declares
 * (plus common kinds, so that a kind that left git can still be pruned),
 * kept by list+watch through the kube module's `ObjectCache`. Once synced,
 * reads are served from memory: a steady-state reconcile makes no request.
 * Objects are kept without their managedFields, which nothing here reads
 * and which are most of a small object's size.
 */
import { NotFoundError, messageOf, silentLogger } from '../../core/index.ts';
import type { Logger } from '../../core/index.ts';
import { ObjectCache, typeKey, withoutManagedFields } from '../../kube/index.ts';
import type { CacheEvent, KubeClient, KubeObject, TypeRef } from '../../kube/index.ts';
import { appLabel } from '../render/index.ts';

/** Kinds watched from the start when the cluster serves them. */
export const commonKinds: readonly TypeRef[] = [
  { apiVersion: 'v1', kind: 'ConfigMap' },
  { apiVersion: 'v1', kind: 'Secret' },
  { apiVersion: 'v1', kind: 'Service' },
  { apiVersion: 'v1', kind: 'ServiceAccount' },
  { apiVersion: 'v1', kind: 'PersistentVolumeClaim' },
  { apiVersion: 'apps/v1', kind: 'Deployment' },
  { apiVersion: 'apps/v1', kind: 'StatefulSet' },
  { apiVersion: 'apps/v1', kind: 'DaemonSet' },
  { apiVersion: 'batch/v1', kind: 'Job' },
  { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress' },
];

export type ChangeListener = (appName: string, event: CacheEvent) => void;

export interface ClusterCacheOptions {
  logger?: Logger;
  /** Passed to each kind's cache (tests shorten retries). */
  retryDelayMs?: number;
}

export class ClusterCache {
  readonly client: KubeClient;
  readonly #caches = new Map<string, { cache: ObjectCache; ready: Promise<void> }>();
  readonly #listeners = new Set<ChangeListener>();
  /** Live objects by application, kept from the cache's events: a reconcile reads its own objects, not the cluster's. */
  readonly #byApp = new Map<string, Map<string, KubeObject>>();
  readonly #logger: Logger;
  readonly #options: ClusterCacheOptions;
  #stopped = false;

  constructor(client: KubeClient, options: ClusterCacheOptions = {}) {
    this.client = client;
    this.#options = options;
    this.#logger = options.logger ?? silentLogger;
  }

  /** Starts watching the common kinds the cluster serves. */
  async start(): Promise<void> {
    const catalog = await this.client.discover();
    const served = commonKinds.filter((type) => {
      try {
        catalog.resolve(type);
        return true;
      } catch {
        return false;
      }
    });
    await this.watch(served);
  }

  /** Watches these kinds too (idempotent); resolves once each is listed. Kinds the cluster does not serve are skipped. */
  async watch(types: readonly TypeRef[]): Promise<void> {
    const waits: Promise<void>[] = [];
    for (const type of types) {
      const key = typeKey(type);
      let entry = this.#caches.get(key);
      if (!entry && !this.#stopped) {
        const cache = new ObjectCache(this.client, { types: [{ apiVersion: type.apiVersion, kind: type.kind }], labelSelector: appLabel, logger: this.#logger, retryDelayMs: this.#options.retryDelayMs, transform: withoutManagedFields });
        cache.subscribe((event) => this.#emit(event));
        const ready = cache.synced().catch((error: unknown) => {
          // An unknown kind (a CRD not installed yet) is not watched; the next sync will try again.
          if (error instanceof NotFoundError) {
            cache.stop();
            this.#caches.delete(key);
            return;
          }
          throw error;
        });
        entry = { cache, ready };
        this.#caches.set(key, entry);
        cache.start();
      }
      if (entry) waits.push(entry.ready);
    }
    await Promise.all(waits);
  }

  /** Whether the kind is watched. */
  watches(type: TypeRef): boolean {
    return this.#caches.has(typeKey(type));
  }

  /** The cached live object. */
  get(ref: { apiVersion: string; kind: string; name: string; namespace?: string }): KubeObject | undefined {
    return this.#caches.get(typeKey(ref))?.cache.get(ref);
  }

  /** Live objects labelled for `appName`. */
  objectsOf(appName: string): KubeObject[] {
    return [...(this.#byApp.get(appName)?.values() ?? [])];
  }

  /** Called with the app's name for each change of an object labelled for it. */
  subscribe(listener: ChangeListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #index(event: CacheEvent): void {
    const before = event.previous?.metadata.labels?.[appLabel];
    const now = event.type === 'deleted' ? undefined : event.object.metadata.labels?.[appLabel];
    const gone = event.type === 'deleted' ? event.object.metadata.labels?.[appLabel] : before !== now ? before : undefined;
    if (gone) this.#byApp.get(gone)?.delete(event.key);
    if (now) {
      let objects = this.#byApp.get(now);
      if (!objects) this.#byApp.set(now, (objects = new Map()));
      objects.set(event.key, event.object);
    }
  }

  #emit(event: CacheEvent): void {
    this.#index(event);
    const names = new Set<string>();
    const now = event.object.metadata.labels?.[appLabel];
    const before = event.previous?.metadata.labels?.[appLabel];
    if (now) names.add(now);
    if (before) names.add(before);
    for (const name of names) {
      for (const listener of this.#listeners) {
        try {
          listener(name, event);
        } catch (error) {
          this.#logger.error({ err: messageOf(error), app: name }, 'gitops cache listener failed');
        }
      }
    }
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    for (const { cache } of this.#caches.values()) cache.stop();
    this.#caches.clear();
    this.#byApp.clear();
    await this.client.close();
  }
}
