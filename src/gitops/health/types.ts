import type { KubeObject } from '../../artifacts/index.ts';

export type HealthStatus = 'Healthy' | 'Progressing' | 'Degraded' | 'Suspended' | 'Missing' | 'Unknown';

export interface HealthResult {
  status: HealthStatus;
  message: string;
}

/** Assesses one live object of the kind it is registered for. */
export type HealthCheck = (object: KubeObject) => HealthResult;

/** One built-in check: the Renovate-style definition a plain list registers. */
export interface HealthCheckDefinition {
  group: string;
  kind: string;
  check: HealthCheck;
}

export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
}

export const healthy = (message = ''): HealthResult => ({ status: 'Healthy', message });
export const progressing = (message: string): HealthResult => ({ status: 'Progressing', message });
export const degraded = (message: string): HealthResult => ({ status: 'Degraded', message });
export const suspended = (message: string): HealthResult => ({ status: 'Suspended', message });

/** Typed views of the fields checks read (live objects are untyped JSON). */
export function specOf<T>(object: KubeObject): Partial<T> {
  return (object.spec ?? {}) as Partial<T>;
}
export function statusOf<T>(object: KubeObject): Partial<T> {
  return (object.status ?? {}) as Partial<T>;
}
export function conditionOf(conditions: Condition[] | undefined, type: string): Condition | undefined {
  return conditions?.find((c) => c.type === type);
}
export function generationOf(object: KubeObject): number {
  return ((object.metadata as { generation?: number }).generation) ?? 0;
}
