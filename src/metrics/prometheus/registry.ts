import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { doraByStream } from '../dora/streams.ts';
import type { DeploymentHistory } from '../dora/types.ts';
import type { DeliveryEvents, FinishedWork } from '../events.ts';

/** What the scrape-time gauges read, asked at every scrape. */
export interface MetricsProviders {
  /** Pipeline stages waiting for a runner. */
  queueLength(): Promise<number>;
  /** Every application's latest sync and health status. */
  applications(): Promise<{ sync: string; health: string }[]>;
  /** Deployments, for DORA gauges over the last `doraDays` days. */
  history: DeploymentHistory;
  now(): Date;
}

export interface PrometheusMetrics {
  /** Fed by the build lifecycle. */
  readonly events: DeliveryEvents;
  readonly contentType: string;
  /** Reads the scrape-time gauges, then renders the text exposition format. */
  render(): Promise<string>;
}

/** DORA gauges cover this many days. */
export const doraDays = 30;

const buildBuckets = [1, 5, 10, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200];
const stepBuckets = [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600];

/**
 * A Prometheus registry of its own (never prom-client's global one):
 * build and step counters and duration histograms fed by events, and gauges
 * for the queue, applications and DORA keys read from `providers` at scrape
 * time.
 */
export function createPrometheusMetrics(providers: MetricsProviders): PrometheusMetrics {
  const registry = new Registry();
  const registers = [registry];
  const buildsTotal = new Counter({ name: 'trunkline_builds_total', help: 'Finished builds by result.', labelNames: ['result'], registers });
  const buildDuration = new Histogram({
    name: 'trunkline_build_duration_seconds',
    help: 'Time from a build starting to finishing, by result.',
    labelNames: ['result'],
    buckets: buildBuckets,
    registers,
  });
  const stepsTotal = new Counter({ name: 'trunkline_steps_total', help: 'Finished pipeline steps by result.', labelNames: ['result'], registers });
  const stepDuration = new Histogram({
    name: 'trunkline_step_duration_seconds',
    help: 'Time from a step starting to finishing, by result.',
    labelNames: ['result'],
    buckets: stepBuckets,
    registers,
  });
  const queueLength = new Gauge({ name: 'trunkline_queue_length', help: 'Pipeline stages queued for a runner.', registers });
  const applications = new Gauge({
    name: 'trunkline_applications',
    help: 'Applications by sync and health status.',
    labelNames: ['sync', 'health'],
    registers,
  });
  const dora = doraGauges(registers);

  const observe = (counter: Counter, histogram: Histogram, work: FinishedWork): void => {
    counter.inc({ result: work.result });
    if (work.durationSeconds !== undefined) histogram.observe({ result: work.result }, work.durationSeconds);
  };

  return {
    events: {
      buildFinished: (build) => observe(buildsTotal, buildDuration, build),
      stepFinished: (step) => observe(stepsTotal, stepDuration, step),
    },
    contentType: registry.contentType,
    async render() {
      const [queued, apps, streams] = await Promise.all([
        providers.queueLength(),
        providers.applications(),
        doraByStream(providers.history, { days: doraDays, now: providers.now() }),
      ]);
      queueLength.set(queued);
      applications.reset();
      for (const app of apps) applications.inc({ sync: app.sync, health: app.health });
      dora.set(streams);
      return registry.metrics();
    },
  };
}

function doraGauges(registers: Registry[]): { set(streams: Awaited<ReturnType<typeof doraByStream>>): void } {
  const labelNames = ['service', 'environment'];
  const window = `over the last ${doraDays} days`;
  const gauge = (name: string, help: string, extra: string[] = []): Gauge =>
    new Gauge({ name: `trunkline_dora_${name}`, help: `${help} ${window}.`, labelNames: [...labelNames, ...extra], registers });
  const deployments = gauge('deployments', 'Deployments (deploys and rollbacks)');
  const frequency = gauge('deployment_frequency_per_day', 'Deployments per day');
  const leadTime = gauge('lead_time_seconds', 'Lead time for changes (commit to running), by quantile', ['quantile']);
  const failureRate = gauge('change_failure_ratio', 'Share of deployments that failed or were rolled back');
  const restore = gauge('time_to_restore_seconds', 'Median time from a failed deployment to the next healthy one');
  const rework = gauge('rework_ratio', 'Share of deployments that were rollbacks or fixes after a failure');
  const all = [deployments, frequency, leadTime, failureRate, restore, rework];
  return {
    set(streams) {
      for (const metric of all) metric.reset();
      for (const { service, environment, summary } of streams) {
        const labels = { service, environment };
        deployments.set(labels, summary.deployments);
        frequency.set(labels, summary.deploymentFrequencyPerDay);
        if (summary.leadTimeSeconds) {
          leadTime.set({ ...labels, quantile: '0.5' }, summary.leadTimeSeconds.median);
          leadTime.set({ ...labels, quantile: '0.9' }, summary.leadTimeSeconds.p90);
        }
        if (summary.changeFailureRate !== null) failureRate.set(labels, summary.changeFailureRate);
        if (summary.timeToRestoreSeconds) restore.set(labels, summary.timeToRestoreSeconds.median);
        if (summary.reworkRate !== null) rework.set(labels, summary.reworkRate);
      }
    },
  };
}
