/**
 * The kube client: discovery, server-side apply, get/list/delete and watch
 * over `@kubernetes/client-node`'s credentials and HTTP.
 *
 * Concurrency: a client may be used by any number of callers at once; calls
 * share one connection pool and one discovery cache (concurrent discoveries
 * share one request set). Errors: typed errors from core — 400/422
 * ConfigError (the object is invalid), 404 NotFoundError, 409 ConflictError
 * or ApplyConflictError, 410 WatchExpiredError, anything else from the
 * cluster or the network ExternalError, all with `details.status`. Unary
 * calls retry transient failures (no answer, 429, 5xx) a few times with
 * backoff; watches never retry (the caller re-watches).
 */
import { z } from 'zod';
import { ExternalError, NotFoundError, silentLogger } from '../core/index.ts';
import type { Logger } from '../core/index.ts';
import { discoverResources } from './discovery.ts';
import type { ResourceCatalog, ResourceInfo } from './discovery.ts';
import { defaultNamespaceOf, loadKubeConfig } from './kubeconfig.ts';
import type { KubeconfigSource } from './kubeconfig.ts';
import { streamLog } from './logs.ts';
import type { LogOptions } from './logs.ts';
import { Transport, defaultRetry } from './transport.ts';
import type { RetryPolicy } from './transport.ts';
import type { KubeObject, ObjectRef, TypeRef, WatchEvent } from './types.ts';
import { openWatch } from './watch.ts';
import type { WatchHandle } from './watch.ts';

export interface KubeClientOptions {
  /** Kubeconfig YAML text (kept in memory, never written to disk), or the pod's service account. */
  kubeconfig: KubeconfigSource;
  /** Context to use instead of the kubeconfig's current one. */
  context?: string;
  logger?: Logger;
  /** Retries of unary requests (default: 4 attempts, 200 ms doubling, at most 5 s apart). */
  retry?: Partial<RetryPolicy>;
  /** Unary requests on the wire at once (default 32); more wait their turn. Watches do not count. */
  maxInFlight?: number;
}

export interface ApplyOptions {
  /** Field manager that owns the applied fields (Trunkline uses `trunkline`). */
  fieldManager: string;
  /** Take fields other managers own instead of failing with ApplyConflictError. */
  force?: boolean;
  /** Validate and return the result without storing it. */
  dryRun?: boolean;
}

export interface ListOptions {
  /** Only this namespace (ignored for cluster-scoped kinds); all namespaces when unset. */
  namespace?: string;
  labelSelector?: string;
}

export interface ListResult {
  items: KubeObject[];
  /** The list's resourceVersion: watch from here to see every later change. */
  resourceVersion: string;
}

export interface DeleteOptions {
  propagationPolicy?: 'Foreground' | 'Background' | 'Orphan';
  dryRun?: boolean;
}

/** One RFC 6902 JSON patch operation. */
export type JsonPatchOperation =
  | { op: 'add' | 'replace' | 'test'; path: string; value: unknown }
  | { op: 'remove'; path: string }
  | { op: 'move' | 'copy'; from: string; path: string };

export interface WatchOptions extends ListOptions {
  /** Start after this version (from a list or the last event/bookmark). */
  resourceVersion: string;
  /** Ask for BOOKMARK events that advance the resourceVersion without a change. */
  allowBookmarks: boolean;
  /** Server-side end of the stream (then `onDone()` without error); default: the server's. */
  timeoutSeconds?: number;
}

/**
 * What running workloads needs beyond reconciling: plain creates, JSON and
 * merge patches, and container logs (the kubernetes pipeline backend).
 */
export interface PodClient extends KubeClient {
  /** Creates an object (POST); ConflictError when it exists. Returns it as stored. */
  create(object: KubeObject): Promise<KubeObject>;
  /**
   * Patches an object: a list of JSON patch operations (`application/json-patch+json`,
   * applied atomically; a failed `test` is a ConfigError) or a JSON merge patch object.
   */
  patch(ref: ObjectRef, patch: JsonPatchOperation[] | Record<string, unknown>): Promise<KubeObject>;
  /** A pod container's log (the `pods/log` subresource), streamed as it is written when `follow`. */
  logs(pod: { name: string; namespace?: string }, options: LogOptions): AsyncIterable<Uint8Array>;
}

export interface KubeClient {
  /** The kinds the cluster serves; cached after the first call. */
  discover(): Promise<ResourceCatalog>;
  /** Discovers again (after a CRD is installed); later calls see the new catalog. */
  refresh(): Promise<ResourceCatalog>;
  /**
   * Server-side apply (`application/apply-patch+yaml`): creates or updates the
   * fields `fieldManager` owns; returns the object as stored (or as it would be, with dryRun).
   */
  apply(object: KubeObject, options: ApplyOptions): Promise<KubeObject>;
  /** The object, or undefined when it does not exist. */
  get(ref: ObjectRef): Promise<KubeObject | undefined>;
  /** Every object of a kind (all pages), with `apiVersion` and `kind` set on each item. */
  list(type: TypeRef, options?: ListOptions): Promise<ListResult>;
  /** Deletes an object; false when it did not exist. */
  delete(ref: ObjectRef, options?: DeleteOptions): Promise<boolean>;
  /**
   * Watches a kind from `resourceVersion`. `onEvent` receives events in order;
   * `onDone` is called once when the stream ends (no error: the server closed
   * it; re-watch from the last resourceVersion) or fails (WatchExpiredError: relist).
   * Not called after `stop()`.
   */
  watch(type: TypeRef, options: WatchOptions, onEvent: (event: WatchEvent) => void, onDone: (error?: Error) => void): WatchHandle;
  /** The namespace of the kubeconfig context, used for namespaced objects that name none. */
  readonly defaultNamespace: string;
  /** Closes pooled connections. Open watches should be stopped first. */
  close(): Promise<void>;
}

const listSchema = z.object({
  metadata: z.looseObject({ resourceVersion: z.string().optional(), continue: z.string().optional() }).optional(),
  items: z.array(z.looseObject({ metadata: z.looseObject({ name: z.string() }) })).nullable().optional(),
});
const objectSchema = z.looseObject({ apiVersion: z.string(), kind: z.string(), metadata: z.looseObject({ name: z.string() }) });

function encode(segment: string): string {
  return encodeURIComponent(segment);
}

function collectionPath(resource: ResourceInfo, namespace: string | undefined): string {
  const root = resource.group ? `/apis/${resource.group}/${resource.version}` : `/api/${resource.version}`;
  return resource.namespaced && namespace ? `${root}/namespaces/${encode(namespace)}/${resource.resource}` : `${root}/${resource.resource}`;
}

class Client implements PodClient {
  readonly #transport: Transport;
  readonly #logger: Logger;
  readonly defaultNamespace: string;
  #catalog: Promise<ResourceCatalog> | undefined;
  #staleRefresh: { from: ResourceCatalog; pending: Promise<ResourceCatalog> } | undefined;

  constructor(options: KubeClientOptions) {
    const kc = loadKubeConfig(options.kubeconfig, options.context);
    this.#logger = options.logger ?? silentLogger;
    this.#transport = new Transport(kc, { ...defaultRetry, ...options.retry }, this.#logger, options.maxInFlight);
    this.defaultNamespace = defaultNamespaceOf(kc);
  }

  discover(): Promise<ResourceCatalog> {
    return (this.#catalog ??= this.refresh());
  }

  refresh(): Promise<ResourceCatalog> {
    const pending = discoverResources(this.#transport, this.#logger);
    this.#catalog = pending;
    // A failed discovery is not cached: the next call tries again.
    pending.catch(() => {
      if (this.#catalog === pending) this.#catalog = undefined;
    });
    return pending;
  }

  /** Resolves a kind, discovering once more when it is unknown (a CRD installed since). */
  async #resolve(type: TypeRef): Promise<ResourceInfo> {
    const catalog = await this.discover();
    try {
      return catalog.resolve(type);
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
      // Callers missing on the same catalog share one refresh.
      if (this.#staleRefresh?.from !== catalog) this.#staleRefresh = { from: catalog, pending: this.refresh() };
      return (await this.#staleRefresh.pending).resolve(type);
    }
  }

  #namespaceFor(resource: ResourceInfo, namespace: string | undefined): string | undefined {
    return resource.namespaced ? namespace || this.defaultNamespace : undefined;
  }

  #objectPath(resource: ResourceInfo, ref: ObjectRef): string {
    return `${collectionPath(resource, this.#namespaceFor(resource, ref.namespace))}/${encode(ref.name)}`;
  }

  #asObject(body: unknown, what: string): KubeObject {
    const parsed = objectSchema.safeParse(body);
    if (!parsed.success) throw new ExternalError(`Kubernetes API ${what}: answer is not an object with apiVersion, kind and metadata.name`, { status: 200 });
    return parsed.data as KubeObject;
  }

  async apply(object: KubeObject, options: ApplyOptions): Promise<KubeObject> {
    const resource = await this.#resolve(object);
    const namespace = this.#namespaceFor(resource, object.metadata.namespace);
    const body: KubeObject = namespace && !object.metadata.namespace ? { ...object, metadata: { ...object.metadata, namespace } } : object;
    const path = this.#objectPath(resource, { ...object, name: object.metadata.name, namespace });
    const answer = await this.#transport.json({
      method: 'PATCH',
      path,
      query: { fieldManager: options.fieldManager, force: options.force ? 'true' : undefined, dryRun: options.dryRun ? 'All' : undefined },
      // JSON is YAML: the apply-patch content type accepts it as is.
      body: JSON.stringify(body),
      contentType: 'application/apply-patch+yaml',
    });
    return this.#asObject(answer, `PATCH ${path}`);
  }

  async create(object: KubeObject): Promise<KubeObject> {
    const resource = await this.#resolve(object);
    const namespace = this.#namespaceFor(resource, object.metadata.namespace);
    const body: KubeObject = namespace && !object.metadata.namespace ? { ...object, metadata: { ...object.metadata, namespace } } : object;
    const path = collectionPath(resource, namespace);
    return this.#asObject(await this.#transport.json({ method: 'POST', path, body: JSON.stringify(body) }), `POST ${path}`);
  }

  async patch(ref: ObjectRef, patch: JsonPatchOperation[] | Record<string, unknown>): Promise<KubeObject> {
    const path = this.#objectPath(await this.#resolve(ref), ref);
    const contentType = Array.isArray(patch) ? 'application/json-patch+json' : 'application/merge-patch+json';
    return this.#asObject(await this.#transport.json({ method: 'PATCH', path, body: JSON.stringify(patch), contentType }), `PATCH ${path}`);
  }

  async *logs(pod: { name: string; namespace?: string }, options: LogOptions): AsyncIterable<Uint8Array> {
    const ref = { apiVersion: 'v1', kind: 'Pod', ...pod };
    yield* streamLog(this.#transport, `${this.#objectPath(await this.#resolve(ref), ref)}/log`, options);
  }

  async get(ref: ObjectRef): Promise<KubeObject | undefined> {
    const path = this.#objectPath(await this.#resolve(ref), ref);
    try {
      return this.#asObject(await this.#transport.json({ method: 'GET', path }), `GET ${path}`);
    } catch (error) {
      if (error instanceof NotFoundError) return undefined;
      throw error;
    }
  }

  async list(type: TypeRef, options: ListOptions = {}): Promise<ListResult> {
    const resource = await this.#resolve(type);
    const path = collectionPath(resource, resource.namespaced ? options.namespace : undefined);
    const items: KubeObject[] = [];
    let resourceVersion = '';
    let continueToken: string | undefined;
    do {
      const body = await this.#transport.json({ method: 'GET', path, query: { labelSelector: options.labelSelector || undefined, limit: '500', continue: continueToken } });
      const parsed = listSchema.safeParse(body);
      if (!parsed.success) throw new ExternalError(`Kubernetes API GET ${path}: answer is not a list`, { status: 200, method: 'GET', path });
      for (const item of parsed.data.items ?? []) items.push({ ...item, apiVersion: type.apiVersion, kind: type.kind } as KubeObject);
      resourceVersion = parsed.data.metadata?.resourceVersion ?? '';
      continueToken = parsed.data.metadata?.continue || undefined;
    } while (continueToken);
    return { items, resourceVersion };
  }

  async delete(ref: ObjectRef, options: DeleteOptions = {}): Promise<boolean> {
    const path = this.#objectPath(await this.#resolve(ref), ref);
    try {
      await this.#transport.json({ method: 'DELETE', path, query: { propagationPolicy: options.propagationPolicy, dryRun: options.dryRun ? 'All' : undefined } });
      return true;
    } catch (error) {
      if (error instanceof NotFoundError) return false;
      throw error;
    }
  }

  watch(type: TypeRef, options: WatchOptions, onEvent: (event: WatchEvent) => void, onDone: (error?: Error) => void): WatchHandle {
    let stopped = false;
    let inner: WatchHandle | undefined;
    this.#resolve(type).then(
      (resource) => {
        if (stopped) return;
        inner = openWatch(
          this.#transport,
          {
            method: 'GET',
            path: collectionPath(resource, resource.namespaced ? options.namespace : undefined),
            query: {
              watch: 'true',
              resourceVersion: options.resourceVersion || undefined,
              allowWatchBookmarks: options.allowBookmarks ? 'true' : undefined,
              labelSelector: options.labelSelector || undefined,
              timeoutSeconds: options.timeoutSeconds === undefined ? undefined : String(options.timeoutSeconds),
            },
          },
          type,
          onEvent,
          onDone,
        );
      },
      (error: unknown) => {
        if (!stopped) onDone(error instanceof Error ? error : new Error(String(error)));
      },
    );
    return {
      stop() {
        stopped = true;
        inner?.stop();
      },
    };
  }

  close(): Promise<void> {
    return this.#transport.close();
  }
}

/** A client for the cluster a kubeconfig (or the pod's service account) names; ConfigError when it names none. */
export function createKubeClient(options: KubeClientOptions): PodClient {
  return new Client(options);
}
