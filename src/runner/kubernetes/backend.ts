import type { Logger } from '../../core/index.ts';
import { ExternalError, InternalError, messageOf, NotFoundError } from '../../core/index.ts';
import type { KubeObject, PodClient } from '../../kube/index.ts';
import { refOf } from '../../kube/index.ts';
import { runStateOf, stepStateOf } from '../states.ts';
import type { Backend, RunSpec, StepExit, StepSpec } from '../contract.ts';
import { runtimeAnnotations, undelivered } from './environment.ts';
import { checkRunId, EXPIRES_ANNOTATION, podName, RUN_LABEL } from './names.ts';
import { buildRunPod } from './pod.ts';
import type { PodDefaults, RunPod } from './pod.ts';
import { containerPhase } from './status.ts';
import { PodWatcher } from './watcher.ts';

interface StepState {
  container: string;
  index: number;
  stopped: boolean;
  logs: AbortController;
  exit?: Promise<StepExit>;
}

interface RunState {
  pod: RunPod;
  watcher?: PodWatcher;
  steps: Map<string, StepState>;
  /** Ends every wait of the run (destroy). */
  closed: AbortController;
}

export interface KubernetesBackendOptions {
  defaults: PodDefaults;
  logger: Logger;
  /** How often, at most, a setup also removes expired runs' pods and secrets in its namespace. */
  sweepIntervalMs?: number;
  clock?: () => Date;
}

const POD = { apiVersion: 'v1', kind: 'Pod' } as const;
/** How long a stopped step's log may still flow after its exit is known. */
const LOG_GRACE_MS = 2000;
const SECRET = { apiVersion: 'v1', kind: 'Secret' } as const;

/**
 * Runs `type: kubernetes` pipelines as one Pod per run (see `pod.ts` for
 * why): `setup` creates the run's Secret and Pod (every step a container
 * with the placeholder image) and makes the Pod own the Secret; `start`
 * swaps a container's image for the step's (one JSON patch, with the
 * annotations that carry its runtime variables) and waits until the kubelet
 * runs it; `tail` follows the container's log from the API; `wait` watches
 * the container's status; `stop` swaps the placeholder back, which makes the
 * kubelet stop the step (SIGTERM, then SIGKILL after the grace period);
 * `destroy` deletes the Pod, whose Secret goes with it.
 *
 * Nothing is left behind when the process driving a run dies: the pod's
 * `activeDeadlineSeconds` ends it at the run's timeout plus a margin, every
 * object carries `trunkline.io/run=<id>` and `trunkline.io/expires`, `reap`
 * deletes a run's objects by label, and each setup sweeps (at most once a
 * minute) the namespace for expired ones.
 */
export class KubernetesBackend implements Backend {
  readonly id = 'kubernetes';
  readonly #client: () => Promise<PodClient>;
  readonly #defaults: PodDefaults;
  readonly #logger: Logger;
  readonly #clock: () => Date;
  readonly #sweepIntervalMs: number;
  readonly #lastSweep = new Map<string, number>();
  readonly #runs = new Map<string, RunState>();

  constructor(client: () => Promise<PodClient>, options: KubernetesBackendOptions) {
    this.#client = client;
    this.#defaults = options.defaults;
    this.#logger = options.logger.child({ backend: 'kubernetes' });
    this.#clock = options.clock ?? (() => new Date());
    this.#sweepIntervalMs = options.sweepIntervalMs ?? 60_000;
  }

  async setup(run: RunSpec): Promise<void> {
    if (this.#runs.has(run.id)) throw new InternalError(`run "${run.id}" is already set up`);
    checkRunId(run.id);
    const client = await this.#client();
    const pod = buildRunPod(run, { ...this.#defaults, namespace: this.#namespace(client) }, this.#clock());
    const state: RunState = { pod, steps: new Map(), closed: new AbortController() };
    this.#runs.set(run.id, state);
    this.#sweep(client, pod.namespace);
    // The Secret first, so the pod's containers find it; then the pod owns it.
    const secret = await client.create(pod.secret);
    const created = await client.create(pod.pod);
    state.watcher = new PodWatcher(client, created, run.id, this.#logger);
    await client.patch(refOf(secret), {
      metadata: { ownerReferences: [{ apiVersion: 'v1', kind: 'Pod', name: created.metadata.name, uid: created.metadata.uid }] },
    });
    this.#logger.debug({ run: run.id, pod: pod.name, namespace: pod.namespace }, 'run pod created');
  }

  async start(run: RunSpec, spec: StepSpec): Promise<void> {
    const state = this.#run(run);
    const { step } = spec;
    if (state.steps.has(step.name)) throw new InternalError(`step "${step.name}" was already started`);
    const container = state.pod.containers.get(step.name);
    if (!container) throw new InternalError(`step "${step.name}" is not part of run "${run.id}"`);
    const index = [...state.pod.containers.keys()].indexOf(step.name);
    const stepState: StepState = { container: container.name, index, stopped: false, logs: new AbortController() };
    state.steps.set(step.name, stepState);
    const missing = undelivered(container.expected, spec.env);
    if (missing.length > 0) this.#logger.warn({ run: run.id, step: step.name, variables: missing }, 'variables known only at start do not reach a kubernetes step');
    const client = await this.#client();
    await client.patch({ ...POD, namespace: state.pod.namespace, name: state.pod.name }, [
      ...Object.entries(runtimeAnnotations(spec.env)).map(([key, value]) => ({ op: 'add' as const, path: `/metadata/annotations/${pointer(key)}`, value })),
      { op: 'test', path: `/spec/containers/${index}/name`, value: container.name },
      { op: 'replace', path: `/spec/containers/${index}/image`, value: container.image },
    ]);
    const phase = await this.#watcher(state).until((pod) => {
      const found = containerPhase(pod, container.name, this.#defaults.placeholderImage, false);
      return found.kind === 'waiting' ? undefined : found;
    }, state.closed.signal);
    if (phase.kind === 'failed') throw new ExternalError(`step "${step.name}" did not start: ${phase.reason}`);
    this.#logger.debug({ run: run.id, step: step.name, container: container.name }, 'step container started');
  }

  tail(run: RunSpec, spec: StepSpec): AsyncIterable<Uint8Array> {
    const state = this.#run(run);
    const step = this.#step(run, spec);
    const logs = this.#client().then((client) =>
      client.logs({ namespace: state.pod.namespace, name: state.pod.name }, { container: step.container, follow: true, signal: step.logs.signal }),
    );
    return {
      async *[Symbol.asyncIterator]() {
        yield* await logs;
      },
    };
  }

  wait(run: RunSpec, spec: StepSpec): Promise<StepExit> {
    const state = this.#run(run);
    const step = this.#step(run, spec);
    step.exit ??= this.#waitFor(state, step);
    return step.exit;
  }

  async stop(run: RunSpec, spec: StepSpec): Promise<void> {
    const state = this.#runs.get(run.id);
    const step = state?.steps.get(spec.step.name);
    if (!state || !step || step.stopped) return;
    step.stopped = true;
    const client = await this.#client();
    try {
      await client.patch({ ...POD, namespace: state.pod.namespace, name: state.pod.name }, [
        { op: 'test', path: `/spec/containers/${step.index}/name`, value: step.container },
        { op: 'replace', path: `/spec/containers/${step.index}/image`, value: this.#defaults.placeholderImage },
      ]);
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
    }
  }

  async destroy(run: RunSpec): Promise<void> {
    const state = this.#runs.get(run.id);
    this.#runs.delete(run.id);
    if (state) {
      state.closed.abort(new ExternalError(`run "${run.id}" was destroyed`));
      for (const step of state.steps.values()) step.logs.abort();
      state.watcher?.stop();
    }
    const client = await this.#client();
    const namespace = state?.pod.namespace ?? this.#namespace(client);
    const name = podName(run.id);
    // The Secret goes with the pod (it owns it); deleted here too in case the pod never came to own it.
    await client.delete({ ...POD, namespace, name }, { propagationPolicy: 'Foreground' });
    await client.delete({ ...SECRET, namespace, name });
  }

  /** Deletes the pods and secrets a dead predecessor left for this run (in the configured namespace). */
  async reap(runId: string): Promise<void> {
    if (this.#runs.has(runId)) return;
    try {
      checkRunId(runId);
    } catch {
      return;
    }
    const client = await this.#client();
    const removed = await this.#deleteWhere(client, this.#namespace(client), `${RUN_LABEL}=${runId}`, () => true);
    if (removed > 0) this.#logger.warn({ run: runId, removed }, 'removed pods and secrets left by a previous server');
  }

  async #waitFor(state: RunState, step: StepState): Promise<StepExit> {
    const phase = await this.#watcher(state).until((pod) => {
      const found = containerPhase(pod, step.container, this.#defaults.placeholderImage, step.stopped);
      return found.kind === 'exited' || found.kind === 'failed' ? found : undefined;
    }, state.closed.signal);
    if (step.stopped) {
      // The log stream ends with the killed instance; should it have been opened on the placeholder that replaced it, end it here.
      setTimeout(() => step.logs.abort(), LOG_GRACE_MS).unref();
    }
    if (phase.kind === 'exited') return { exitCode: phase.exitCode, stopped: step.stopped, oomKilled: phase.oomKilled };
    if (step.stopped) return { exitCode: 137, stopped: true };
    throw new ExternalError(`container ${step.container} ended without an exit code: ${phase.kind === 'failed' ? phase.reason : ''}`);
  }

  /** Removes expired runs' objects in `namespace`, at most once per interval, in the background. */
  #sweep(client: PodClient, namespace: string): void {
    const now = this.#clock().getTime();
    if (now - (this.#lastSweep.get(namespace) ?? -Infinity) < this.#sweepIntervalMs) return;
    this.#lastSweep.set(namespace, now);
    const expired = (object: KubeObject) => {
      const expires = Date.parse(object.metadata.annotations?.[EXPIRES_ANNOTATION] ?? '');
      return Number.isFinite(expires) && expires < now;
    };
    this.#deleteWhere(client, namespace, RUN_LABEL, expired).then(
      (removed) => {
        if (removed > 0) this.#logger.warn({ namespace, removed }, 'removed expired pods and secrets of runs');
      },
      (error: unknown) => this.#logger.warn({ err: messageOf(error), namespace }, 'expired runs could not be swept'),
    );
  }

  async #deleteWhere(client: PodClient, namespace: string, labelSelector: string, test: (object: KubeObject) => boolean): Promise<number> {
    let removed = 0;
    for (const type of [POD, SECRET]) {
      const { items } = await client.list(type, { namespace, labelSelector });
      for (const object of items.filter(test)) {
        if (await client.delete(refOf(object), { propagationPolicy: 'Foreground' })) removed++;
      }
    }
    return removed;
  }

  /** The configured namespace, else the kubeconfig context's. */
  #namespace(client: PodClient): string {
    return this.#defaults.namespace || client.defaultNamespace;
  }

  #watcher(state: RunState): PodWatcher {
    if (!state.watcher) throw new InternalError(`the pod of ${state.pod.name} was not created`);
    return state.watcher;
  }

  #run(run: RunSpec): RunState {
    return runStateOf(this.#runs, run);
  }

  #step(run: RunSpec, spec: StepSpec): StepState {
    return stepStateOf(this.#runs, run, spec);
  }
}

/** A JSON pointer segment. */
function pointer(segment: string): string {
  return segment.replaceAll('~', '~0').replaceAll('/', '~1');
}
