export { computeDora } from './dora/compute.ts';
export { doraWindows } from './dora/types.ts';
export type {
  DeploymentRecord,
  DeploymentHistory,
  DeploymentHistoryQuery,
  DoraBand,
  DoraBands,
  DoraQuery,
  DoraReport,
  DoraSeriesPoint,
  DoraSummary,
  DoraWindow,
} from './dora/types.ts';
export { doraByStream, contextStart } from './dora/streams.ts';
export type { StreamSummary } from './dora/streams.ts';
export { fanOut } from './events.ts';
export type { DeliveryEvents, FinishedWork } from './events.ts';
export { createPrometheusMetrics, doraDays } from './prometheus/registry.ts';
export type { MetricsProviders, PrometheusMetrics } from './prometheus/registry.ts';
export { StatsdClient } from './statsd/client.ts';
export type { StatsdClientOptions } from './statsd/client.ts';
export { parseStatsdUrl } from './statsd/config.ts';
export type { StatsdTarget } from './statsd/config.ts';
export { formatStatsd } from './statsd/format.ts';
export type { StatsdMetric, StatsdTagFormat } from './statsd/format.ts';
export { StatsdPusher } from './statsd/pusher.ts';
export type { StatsdPusherOptions, StatsdSink } from './statsd/pusher.ts';
