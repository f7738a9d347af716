/**
 * `trunkline runner`: a machine that runs stages for a server. Each of its
 * `capacity` slots long-polls the server for a stage it can run (no sleep
 * between polls: the server answers as soon as one is queued), runs it with
 * the local backends, streams step states and log lines back in order, and
 * renews the stage's lease by heartbeats. A cancelled build, or a lease the
 * server no longer recognises, stops the stage at once.
 */
import { join } from 'node:path';
import { pino } from 'pino';
import { hostArchitecture, hostOs, type RemoteAssignment } from '../builds/index.ts';
import { messageOf, type Logger } from '../core/index.ts';
import type { PlanStep } from '../pipeline/index.ts';
import { BackendPool, runPipeline, type LogLine, type RunObserver, type StepResult } from '../runner/index.ts';
import { version, writeTrunklineShim } from '../server/index.ts';
import { ApiClient, ApiError } from './client.ts';

export interface RunnerAgentOptions {
  server: string;
  token: string;
  capacity: number;
  labels: Record<string, string>;
  /** Workspaces and the `trunkline` shim live here. */
  dataDir: string;
  /** Configuration of further backends by id (e.g. `kubernetes` from `TRUNKLINE_KUBERNETES_*`). */
  backendConfig?: Record<string, unknown>;
  logger?: Logger;
}

export class RunnerAgent {
  readonly #options: RunnerAgentOptions;
  readonly #api: ApiClient;
  readonly #backends: BackendPool;
  readonly #logger: Logger;
  readonly #stopping = new AbortController();
  #shimDir: string | undefined;

  constructor(options: RunnerAgentOptions) {
    this.#options = options;
    this.#api = new ApiClient({ server: options.server, token: options.token });
    this.#logger = options.logger ?? pino({ level: 'info' });
    this.#backends = new BackendPool({ config: { exec: { root: join(options.dataDir, 'runs') }, ...options.backendConfig }, logger: this.#logger });
  }

  /** Runs until `stop()`; resolves once every running stage has ended. */
  async run(): Promise<void> {
    this.#shimDir = await writeTrunklineShim(join(this.#options.dataDir, 'bin'));
    this.#logger.info({ server: this.#options.server, capacity: this.#options.capacity, labels: this.#options.labels }, 'runner started');
    await Promise.all(Array.from({ length: this.#options.capacity }, () => this.#slot()));
  }

  stop(): void {
    this.#stopping.abort();
  }

  async #slot(): Promise<void> {
    let failures = 0;
    while (!this.#stopping.signal.aborted) {
      let assignment: RemoteAssignment | undefined;
      try {
        assignment = await this.#api.post<RemoteAssignment | undefined>('/api/runner/claim', {
          types: this.#backends.types(),
          os: hostOs(),
          arch: hostArchitecture(),
          labels: this.#options.labels,
          version,
          waitSeconds: 25,
        });
        failures = 0;
      } catch (error) {
        // The server is away (restart, network): back off, never spin.
        failures++;
        this.#logger.warn({ err: messageOf(error) }, 'asking for work failed');
        await pause(Math.min(30_000, 500 * 2 ** Math.min(failures, 6)), this.#stopping.signal);
        continue;
      }
      if (assignment) await this.#execute(assignment);
    }
  }

  async #execute(a: RemoteAssignment): Promise<void> {
    const logger = this.#logger.child({ build: a.build.number, stage: a.stage.name });
    const job = `/api/runner/jobs/${a.job.id}`;
    const stop = new AbortController();
    const onStopping = () => stop.abort();
    this.#stopping.signal.addEventListener('abort', onStopping, { once: true });
    let lost = false;
    const heartbeat = setInterval(() => {
      this.#api.post<{ cancel: boolean }>(`${job}/heartbeat`).then(
        ({ cancel }) => {
          if (cancel) stop.abort();
        },
        (error: unknown) => {
          // 409/404: the server gave the stage up (lease expired, restart): stop, report nothing more.
          if (error instanceof ApiError && (error.status === 409 || error.status === 404)) {
            lost = true;
            stop.abort();
          }
          logger.warn({ err: messageOf(error) }, 'heartbeat failed');
        },
      );
    }, a.job.leaseMs / 3);
    const reporter = new StepReporter(this.#api, job, logger);
    try {
      const backend = await this.#backends.for(a.pipeline);
      const result = await runPipeline({
        run: { id: a.stage.id, pipeline: a.pipeline, trusted: a.trusted },
        backend,
        secrets: a.secrets,
        credentials: a.credentials,
        // This machine's `trunkline` for exec steps; a container's image has its own PATH.
        environment: a.pipeline.type === 'exec' ? { ...a.environment, PATH: `${this.#shimDir}:${process.env.PATH ?? '/usr/bin:/bin'}` } : a.environment,
        signal: stop.signal,
        timeoutMs: a.timeoutMs,
        stepTimeoutMs: a.stepTimeoutMs,
        logLimitBytes: a.logLimitBytes,
        observer: reporter,
        logger,
      });
      await reporter.flushed();
      if (!lost) await this.#api.post(`${job}/complete`, { status: result.status, ...(result.error ? { error: result.error } : {}) });
    } catch (error) {
      logger.error({ err: messageOf(error) }, 'the stage could not run here');
      if (!lost) await this.#api.post(`${job}/complete`, { status: 'error', error: messageOf(error), broken: true }).catch(() => {});
    } finally {
      clearInterval(heartbeat);
      this.#stopping.signal.removeEventListener('abort', onStopping);
    }
  }
}

/** Step events go to the server strictly in order, one request at a time. */
class StepReporter implements RunObserver {
  readonly #api: ApiClient;
  readonly #job: string;
  readonly #logger: Logger;
  #queue: Promise<void> = Promise.resolve();

  constructor(api: ApiClient, job: string, logger: Logger) {
    this.#api = api;
    this.#job = job;
    this.#logger = logger;
  }

  stepStarted(step: PlanStep, at: number): void {
    this.#send(step, 'started', { at });
  }

  stepLog(step: PlanStep, lines: LogLine[]): void {
    this.#send(step, 'logs', { lines });
  }

  stepFinished(step: PlanStep, result: StepResult): void {
    this.#send(step, 'finished', result);
  }

  flushed(): Promise<void> {
    return this.#queue;
  }

  #send(step: PlanStep, what: string, body: unknown): void {
    const path = `${this.#job}/steps/${encodeURIComponent(step.name)}/${what}`;
    this.#queue = this.#queue.then(() =>
      this.#api.post(path, body).then(
        () => undefined,
        (error: unknown) => this.#logger.warn({ err: messageOf(error), step: step.name, what }, 'reporting to the server failed'),
      ),
    );
  }
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });
}
