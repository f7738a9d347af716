import { isFinished, type BuildService } from '../builds/index.ts';
import type { Logger } from '../core/index.ts';
import {
  createPrometheusMetrics,
  fanOut,
  StatsdClient,
  StatsdPusher,
  type DeliveryEvents,
  type DeploymentHistory,
  type PrometheusMetrics,
} from '../metrics/index.ts';
import type { Store } from '../store/index.ts';
import type { ServerConfig } from './config.ts';
import { releaseDeploymentHistory } from './deployment-history.ts';

/** What the metrics routes are given. */
export interface DeliveryMetrics {
  prometheus: PrometheusMetrics;
  /** Where DORA figures come from. */
  history: DeploymentHistory;
  exporter: { enabled: boolean; token?: string };
  now(): Date;
  close(): Promise<void>;
}

/**
 * Wires delivery metrics: the deployment history (release records, and sync history where none exist),
 * the Prometheus registry with its scrape-time providers, the optional
 * StatsD pusher, and the build lifecycle's finished builds and steps into both.
 */
export function startDeliveryMetrics(options: { store: Store; builds: BuildService; config: ServerConfig['metrics']; logger: Logger }): DeliveryMetrics {
  const { store, builds, config, logger } = options;
  const history = releaseDeploymentHistory(store);
  const now = (): Date => new Date();
  const prometheus = createPrometheusMetrics({
    queueLength: async () => (await store.jobs.list({ status: 'queued' })).length,
    applications: async () =>
      Promise.all(
        (await store.applications.list()).map(async (app) => {
          const status = await store.applicationStatus.get(app.id);
          return { sync: status?.syncStatus ?? 'Unknown', health: status?.health ?? 'Unknown' };
        }),
      ),
    history,
    now,
  });
  const sinks: DeliveryEvents[] = [prometheus.events];
  let statsd: { client: StatsdClient; pusher: StatsdPusher } | undefined;
  if (config.statsd) {
    const client = new StatsdClient({ ...config.statsd, logger });
    const pusher = new StatsdPusher({ sink: client, history, now, logger });
    pusher.start();
    sinks.push(pusher);
    statsd = { client, pusher };
    logger.info({ host: config.statsd.host, port: config.statsd.port }, 'pushing metrics to statsd');
  }
  const events = fanOut(sinks);
  const unsubscribe = [
    builds.changes.subscribe((build) => {
      if (isFinished(build.status)) events.buildFinished({ result: build.status, ...durationOf(build) });
    }),
    builds.changes.subscribeSteps((step) => events.stepFinished({ result: step.status, ...durationOf(step) })),
  ];
  return {
    prometheus,
    history,
    exporter: { enabled: config.exporter, ...(config.token ? { token: config.token } : {}) },
    now,
    async close() {
      for (const stop of unsubscribe) stop();
      statsd?.pusher.stop();
      await statsd?.client.close();
    },
  };
}

function durationOf(work: { startedAt?: number; finishedAt?: number }): { durationSeconds?: number } {
  return work.startedAt !== undefined && work.finishedAt !== undefined ? { durationSeconds: Math.max(0, work.finishedAt - work.startedAt) / 1000 } : {};
}
