import type { KubeObject } from '../../artifacts/index.ts';
import { messageOf } from '../../core/index.ts';
import { groupOf } from '../render/index.ts';
import { builtinHealthChecks } from './checks/index.ts';
import type { HealthCheck, HealthCheckDefinition, HealthResult } from './types.ts';

/**
 * Per-kind health checks, looked up by `group/kind`. Starts with the
 * built-in checks; `registerHealthCheck` adds one for a custom kind or
 * overrides a built-in. Kinds without a check are Healthy when present.
 */
export class HealthRegistry {
  readonly #checks = new Map<string, HealthCheck>();

  constructor(definitions: readonly HealthCheckDefinition[] = builtinHealthChecks) {
    for (const d of definitions) this.registerHealthCheck(d.group, d.kind, d.check);
  }

  registerHealthCheck(group: string, kind: string, check: HealthCheck): this {
    this.#checks.set(`${group}/${kind}`, check);
    return this;
  }

  /** Health of one live object; a check that throws makes it Unknown rather than failing the whole assessment. */
  healthOf(object: KubeObject): HealthResult {
    const check = this.#checks.get(`${groupOf(object.apiVersion)}/${object.kind}`);
    if (check === undefined) return { status: 'Healthy', message: '' };
    try {
      return check(object);
    } catch (error) {
      return { status: 'Unknown', message: `health check failed: ${messageOf(error)}` };
    }
  }
}
