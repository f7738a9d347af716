import { messageOf, type Logger } from '../../core/index.ts';
import { doraByStream } from '../dora/streams.ts';
import type { DeploymentHistory } from '../dora/types.ts';
import type { DeliveryEvents, FinishedWork } from '../events.ts';
import type { StatsdMetric } from './format.ts';

/** Where the pusher sends (a `StatsdClient`). */
export interface StatsdSink {
  send(metrics: readonly StatsdMetric[]): void;
}

export interface StatsdPusherOptions {
  sink: StatsdSink;
  history: DeploymentHistory;
  now(): Date;
  logger: Logger;
  /** DORA gauges are pushed this often (default one minute). */
  intervalMs?: number;
  /** Days the DORA gauges cover (default 30). */
  doraDays?: number;
}

/**
 * Pushes what Prometheus would scrape: build and step counts and timings
 * as they finish (`builds`, `build.duration`, `steps`, `step.duration`,
 * tagged `result`), and DORA gauges per service and environment every
 * minute (`dora.*`, tagged `service`, `environment`).
 */
export class StatsdPusher implements DeliveryEvents {
  private readonly options: StatsdPusherOptions;
  private timer: NodeJS.Timeout | undefined;

  constructor(options: StatsdPusherOptions) {
    this.options = options;
  }

  buildFinished(build: FinishedWork): void {
    this.options.sink.send(workMetrics('build', build));
  }

  stepFinished(step: FinishedWork): void {
    this.options.sink.send(workMetrics('step', step));
  }

  /** Computes and sends the DORA gauges once. */
  async pushDora(): Promise<void> {
    const streams = await doraByStream(this.options.history, { days: this.options.doraDays ?? 30, now: this.options.now() });
    const metrics: StatsdMetric[] = streams.flatMap(({ service, environment, summary }) => {
      const tags = { service, environment };
      const gauge = (name: string, value: number | null | undefined): StatsdMetric[] =>
        value === null || value === undefined ? [] : [{ name: `dora.${name}`, value, type: 'g', tags }];
      return [
        ...gauge('deployments', summary.deployments),
        ...gauge('deployment_frequency_per_day', summary.deploymentFrequencyPerDay),
        ...gauge('lead_time_seconds.median', summary.leadTimeSeconds?.median),
        ...gauge('lead_time_seconds.p90', summary.leadTimeSeconds?.p90),
        ...gauge('change_failure_rate', summary.changeFailureRate),
        ...gauge('time_to_restore_seconds.median', summary.timeToRestoreSeconds?.median),
        ...gauge('rework_rate', summary.reworkRate),
      ];
    });
    if (metrics.length > 0) this.options.sink.send(metrics);
  }

  start(): void {
    this.timer = setInterval(() => {
      this.pushDora().catch((error: unknown) => this.options.logger.warn({ err: messageOf(error) }, 'DORA gauges not pushed to statsd'));
    }, this.options.intervalMs ?? 60_000);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

function workMetrics(kind: 'build' | 'step', work: FinishedWork): StatsdMetric[] {
  const tags = { result: work.result };
  return [
    { name: `${kind}s`, value: 1, type: 'c', tags },
    ...(work.durationSeconds === undefined ? [] : [{ name: `${kind}.duration`, value: Math.round(work.durationSeconds * 1000), type: 'ms' as const, tags }]),
  ];
}
