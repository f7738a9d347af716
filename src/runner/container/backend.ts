import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from '../../core/index.ts';
import { ExternalError, InternalError } from '../../core/index.ts';
import { runStateOf, stepStateOf } from '../states.ts';
import type { Backend, RunSpec, StepExit, StepSpec } from '../contract.ts';
import { createArgs } from './args.ts';
import type { Attached, ContainerCli } from './cli.ts';
import { containerEnvironment, passedFlags } from './environment.ts';
import { RUN_LABEL, runLayout, workspaceVariables } from './layout.ts';
import type { RunLayout } from './layout.ts';

/** What the backend runs with, found once (the CLI to use and the host's workarounds). */
export interface ContainerEngine {
  cli: ContainerCli;
  kind: 'podman' | 'docker';
  ulimits: readonly string[];
}

interface StepState {
  container: string;
  attached?: Attached;
  stopped: boolean;
  exit?: Promise<StepExit>;
}

interface RunState {
  layout: RunLayout;
  trusted: boolean;
  steps: Map<string, StepState>;
  count: number;
}

export interface ContainerBackendOptions {
  stopGraceMs: number;
  logger: Logger;
  /** Host folder mounted as every run's workspace. */
  workspace?: string;
  /** Image for clone steps. */
  cloneImage?: string;
}

const RUN_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/**
 * Runs `type: docker` pipelines as containers through the podman or docker
 * CLI, the way Drone's docker runner does: a network and a workspace
 * volume per run; each step and service a container of its image on that
 * network, reachable by its name; services started detached. Everything a
 * run creates carries the label `trunkline.run=<run id>`, so `destroy` and
 * — after a crash — `reap` find and remove it without in-memory state.
 */
export class ContainerBackend implements Backend {
  readonly id = 'container';
  readonly #engine: () => Promise<ContainerEngine>;
  readonly #stopGraceMs: number;
  readonly #workspace: string | undefined;
  readonly #cloneImage: string | undefined;
  readonly #logger: Logger;
  readonly #runs = new Map<string, RunState>();

  constructor(engine: () => Promise<ContainerEngine>, options: ContainerBackendOptions) {
    this.#engine = engine;
    this.#stopGraceMs = options.stopGraceMs;
    this.#workspace = options.workspace;
    this.#cloneImage = options.cloneImage;
    this.#logger = options.logger.child({ backend: 'container' });
  }

  async setup(run: RunSpec): Promise<void> {
    if (this.#runs.has(run.id)) throw new InternalError(`run "${run.id}" is already set up`);
    const layout = runLayout(run);
    this.#runs.set(run.id, { layout, trusted: run.trusted === true, steps: new Map(), count: 0 });
    const { cli } = await this.#engine();
    const label = ['--label', `${RUN_LABEL}=${run.id}`];
    await cli.run(['network', 'create', ...label, layout.network]);
    await cli.run(['volume', 'create', ...label, layout.workspaceVolume]);
    for (const source of layout.volumes.values()) {
      if (source.kind !== 'volume') continue;
      const tmpfs = source.memory ? ['--opt', 'type=tmpfs', '--opt', 'device=tmpfs'] : [];
      await cli.run(['volume', 'create', ...label, ...tmpfs, source.name]);
    }
    this.#logger.debug({ run: run.id, network: layout.network }, 'run network and volumes created');
  }

  async start(run: RunSpec, spec: StepSpec): Promise<void> {
    const state = this.#run(run);
    const { step } = spec;
    if (state.steps.has(step.name)) throw new InternalError(`step "${step.name}" was already started`);
    state.count += 1;
    const stepState: StepState = { container: `trunkline-${run.id}-${state.count}`, stopped: false };
    state.steps.set(step.name, stepState);
    const { cli, kind, ulimits } = await this.#engine();
    const env = containerEnvironment(step.name, { ...spec.env, ...workspaceVariables(state.layout) });
    const dir = env.file === '' ? undefined : await mkdtemp(join(tmpdir(), 'trunkline-env-'));
    try {
      const envFile = dir === undefined ? undefined : join(dir, 'env');
      if (envFile !== undefined) await writeFile(envFile, env.file, { mode: 0o600 });
      const args = createArgs(state.layout, step, {
        name: stepState.container,
        trusted: state.trusted,
        ulimits,
        envFlags: passedFlags(env.passed),
        ...(this.#workspace !== undefined ? { hostWorkspace: this.#workspace } : {}),
        ...(this.#cloneImage !== undefined ? { cloneImage: this.#cloneImage } : {}),
        ...(spec.env.DRONE_REMOTE_URL?.startsWith('/') ? { cloneSource: spec.env.DRONE_REMOTE_URL } : {}),
        ...(envFile !== undefined ? { envFile } : {}),
      });
      await cli.run(['create', ...args], { env: env.passed });
    } finally {
      if (dir !== undefined) await rm(dir, { recursive: true, force: true });
    }
    stepState.attached = cli.attach(stepState.container);
    if (kind === 'podman') await runningOrEnded(cli, stepState.container, stepState.attached);
    this.#logger.debug({ run: run.id, step: step.name, container: stepState.container }, 'step container started');
  }

  tail(run: RunSpec, spec: StepSpec): AsyncIterable<Uint8Array> {
    const attached = this.#step(run, spec).attached;
    if (!attached) throw new InternalError(`step "${spec.step.name}" of run "${run.id}" did not start`);
    return attached.output;
  }

  wait(run: RunSpec, spec: StepSpec): Promise<StepExit> {
    const state = this.#step(run, spec);
    state.exit ??= this.#waitFor(state);
    return state.exit;
  }

  async stop(run: RunSpec, spec: StepSpec): Promise<void> {
    const state = this.#runs.get(run.id)?.steps.get(spec.step.name);
    if (!state?.attached) return; // never started
    state.stopped = true;
    const { cli } = await this.#engine();
    await cli.run(['stop', '--time', String(Math.ceil(this.#stopGraceMs / 1000)), state.container]);
  }

  async destroy(run: RunSpec): Promise<void> {
    const state = this.#runs.get(run.id);
    for (const step of state?.steps.values() ?? []) step.attached?.kill();
    this.#runs.delete(run.id);
    if (RUN_ID.test(run.id)) await this.#removeLabelled(run.id);
  }

  /** Removes the containers, networks and volumes a dead predecessor left for this run. */
  async reap(runId: string): Promise<void> {
    if (this.#runs.has(runId) || !RUN_ID.test(runId)) return;
    const removed = await this.#removeLabelled(runId);
    if (removed > 0) this.#logger.warn({ run: runId, removed }, 'removed containers, networks and volumes left by a previous server');
  }

  async #waitFor(state: StepState): Promise<StepExit> {
    const { cli } = await this.#engine();
    const attached = state.attached;
    if (!attached) throw new InternalError(`container ${state.container} was not started`);
    const cliExit = await attached.closed;
    const inspected = await cli.run(['inspect', '--format', '{{.State.ExitCode}} {{.State.OOMKilled}} {{.State.StartedAt}}', state.container]);
    const [exitCode, oom, ...started] = inspected.trim().split(' ');
    if (started.join(' ').startsWith('0001-01-01')) {
      throw new ExternalError(`container ${state.container} did not start: ${attached.stderrTail() || `exit code ${cliExit}`}`);
    }
    const code = Number(exitCode);
    return { exitCode: Number.isInteger(code) ? code : cliExit, stopped: state.stopped, oomKilled: oom === 'true' };
  }

  /** Removes every container, network and volume labelled with the run; returns how many there were. */
  async #removeLabelled(runId: string): Promise<number> {
    const { cli, kind } = await this.#engine();
    const filter = ['--filter', `label=${RUN_LABEL}=${runId}`];
    const list = async (args: string[]) => (await cli.run([...args, ...filter])).split('\n').filter((line) => line.trim() !== '');
    const containers = await list(['ps', '--all', '--quiet']);
    // Docker's `rm --force` kills at once; podman's would first wait the stop timeout.
    const now = kind === 'podman' ? ['--time', '0'] : [];
    if (containers.length > 0) await cli.run(['rm', '--force', ...now, '--volumes', ...containers]);
    const networks = await list(['network', 'ls', '--quiet']);
    if (networks.length > 0) await cli.run(['network', 'rm', ...networks]);
    const volumes = await list(['volume', 'ls', '--quiet']);
    if (volumes.length > 0) await cli.run(['volume', 'rm', '--force', ...volumes]);
    return containers.length + networks.length + volumes.length;
  }

  #run(run: RunSpec): RunState {
    return runStateOf(this.#runs, run);
  }

  #step(run: RunSpec, spec: StepSpec): StepState {
    return stepStateOf(this.#runs, run, spec);
  }
}

/**
 * Resolves once the container runs (podman's `wait --condition running`)
 * or has already ended, whichever comes first.
 */
async function runningOrEnded(cli: ContainerCli, container: string, attached: Attached): Promise<void> {
  const abort = new AbortController();
  const running = cli.run(['wait', '--condition', 'running', '--interval', '100ms', container], { signal: abort.signal }).catch(() => {});
  await Promise.race([running, attached.closed]);
  abort.abort();
}
