import type { KubeObject } from '../../../artifacts/index.ts';
import type { Condition, HealthResult } from '../types.ts';
import { conditionOf, degraded, healthy, progressing, specOf, statusOf, suspended } from '../types.ts';

interface Status {
  active: number;
  succeeded: number;
  failed: number;
  conditions: Condition[];
}

export function jobHealth(object: KubeObject): HealthResult {
  const status = statusOf<Status>(object);
  const failed = conditionOf(status.conditions, 'Failed');
  if (failed?.status === 'True') return degraded(failed.message ?? failed.reason ?? 'Job failed');
  const complete = conditionOf(status.conditions, 'Complete');
  if (complete?.status === 'True') return healthy(complete.message ?? 'Job completed');
  if (specOf<{ suspend: boolean }>(object).suspend) return suspended('Job is suspended');
  return progressing(`Job running: ${status.active ?? 0} active, ${status.succeeded ?? 0} succeeded, ${status.failed ?? 0} failed`);
}
