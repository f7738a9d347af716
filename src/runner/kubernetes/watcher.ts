import type { Logger } from '../../core/index.ts';
import { messageOf } from '../../core/index.ts';
import type { KubeClient, KubeObject, WatchHandle } from '../../kube/index.ts';
import { WatchExpiredError } from '../../kube/index.ts';
import { RUN_LABEL } from './names.ts';
import { readPod } from './status.ts';
import type { PodView } from './status.ts';

const POD = { apiVersion: 'v1', kind: 'Pod' } as const;

/**
 * The latest state of one run's pod, kept by a watch (re-opened from the last
 * resourceVersion when the server ends it, from a fresh read after a 410 or a
 * failure), and waiters woken on every change.
 */
export class PodWatcher {
  readonly #client: KubeClient;
  readonly #namespace: string;
  readonly #name: string;
  readonly #selector: string;
  readonly #logger: Logger;
  #pod: PodView | undefined;
  #resourceVersion: string;
  #handle: WatchHandle | undefined;
  #stopped = false;
  #retry: NodeJS.Timeout | undefined;
  readonly #waiters = new Set<() => void>();

  constructor(client: KubeClient, created: KubeObject, runId: string, logger: Logger) {
    this.#client = client;
    this.#namespace = created.metadata.namespace ?? client.defaultNamespace;
    this.#name = created.metadata.name;
    this.#selector = `${RUN_LABEL}=${runId}`;
    this.#logger = logger;
    this.#pod = readPod(created);
    this.#resourceVersion = created.metadata.resourceVersion ?? '';
    this.#open();
  }

  /** The pod as last seen; undefined once it is gone. */
  get pod(): PodView | undefined {
    return this.#pod;
  }

  /** Resolves with the first value `test` gives for the current or a later pod state (undefined = keep waiting). */
  until<T>(test: (pod: PodView | undefined) => T | undefined, signal?: AbortSignal): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const check = () => {
        if (signal?.aborted) {
          done();
          reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
          return;
        }
        const value = test(this.#pod);
        if (value !== undefined) {
          done();
          resolve(value);
        }
      };
      const done = () => {
        this.#waiters.delete(check);
        signal?.removeEventListener('abort', check);
      };
      this.#waiters.add(check);
      signal?.addEventListener('abort', check, { once: true });
      check();
    });
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#retry);
    this.#handle?.stop();
  }

  #set(pod: PodView | undefined): void {
    this.#pod = pod;
    for (const waiter of [...this.#waiters]) waiter();
  }

  #open(): void {
    if (this.#stopped) return;
    this.#handle = this.#client.watch(
      POD,
      { namespace: this.#namespace, labelSelector: this.#selector, resourceVersion: this.#resourceVersion, allowBookmarks: true },
      (event) => {
        if (event.object.metadata.resourceVersion) this.#resourceVersion = event.object.metadata.resourceVersion;
        if (event.type === 'BOOKMARK' || event.object.metadata.name !== this.#name) return;
        // A deleted pod is final: nothing more to watch.
        if (event.type === 'DELETED') this.stop();
        this.#set(event.type === 'DELETED' ? undefined : readPod(event.object));
      },
      (error) => {
        if (this.#stopped) return;
        if (!error) return this.#open();
        if (!(error instanceof WatchExpiredError)) this.#logger.warn({ err: messageOf(error), pod: this.#name }, 'pod watch failed; reading the pod again');
        this.#retry = setTimeout(() => void this.#reread(), error instanceof WatchExpiredError ? 0 : 1000);
      },
    );
  }

  async #reread(): Promise<void> {
    try {
      const pod = await this.#client.get({ ...POD, namespace: this.#namespace, name: this.#name });
      if (this.#stopped) return;
      this.#resourceVersion = pod?.metadata.resourceVersion ?? '';
      this.#set(pod ? readPod(pod) : undefined);
      if (pod) this.#open();
    } catch (error) {
      if (this.#stopped) return;
      this.#logger.warn({ err: messageOf(error), pod: this.#name }, 'pod could not be read; trying again');
      this.#retry = setTimeout(() => void this.#reread(), 1000);
    }
  }
}
