export { HealthRegistry } from './registry.ts';
export { appHealth, worstOf } from './app-health.ts';
export type { AppHealth, ResourceHealth, HealthInput } from './app-health.ts';
export { builtinHealthChecks } from './checks/index.ts';
export type { HealthStatus, HealthResult, HealthCheck, HealthCheckDefinition } from './types.ts';
