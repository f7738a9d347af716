/** HorizontalPodAutoscaler conditions: AbleToScale/ScalingActive false for a failure reason → Degraded. */
import type { KubeObject } from '../../../artifacts/index.ts';
import type { Condition, HealthResult } from '../types.ts';
import { conditionOf, degraded, healthy, progressing, statusOf } from '../types.ts';

const failures = new Set(['FailedGetScale', 'FailedUpdateScale', 'FailedGetResourceMetric', 'FailedGetPodsMetric', 'FailedGetObjectMetric', 'FailedGetExternalMetric', 'FailedGetContainerResourceMetric', 'InvalidSelector', 'InvalidMetricSourceType', 'FailedComputeMetricsReplicas']);

export function hpaHealth(object: KubeObject): HealthResult {
  const conditions = statusOf<{ conditions: Condition[] }>(object).conditions ?? [];
  for (const type of ['AbleToScale', 'ScalingActive']) {
    const c = conditionOf(conditions, type);
    if (c?.status === 'False' && c.reason !== undefined && failures.has(c.reason)) return degraded(`${c.reason}: ${c.message ?? ''}`.trim());
  }
  const able = conditionOf(conditions, 'AbleToScale');
  if (able === undefined) return progressing('Waiting to autoscale');
  return healthy(able.message ?? 'able to scale');
}
