import { join } from 'node:path';
import type { Logger } from '../core/index.ts';
import { selectBackend, type Backend } from '../runner/index.ts';

/**
 * One backend instance per backend kind, created on first use; the exec
 * backend keeps its run folders under `<dataDir>/runs`.
 */
export function backendPool(dataDir: string, logger: Logger): (type: string, pipeline: string) => Backend {
  const instances = new Map<string, Backend>();
  const config: Record<string, unknown> = { exec: { root: join(dataDir, 'runs') } };
  return (type, pipeline) => {
    const definition = selectBackend(type, pipeline);
    let backend = instances.get(definition.id);
    if (!backend) {
      backend = definition.create(definition.configSchema.parse(config[definition.id] ?? {}), { logger });
      instances.set(definition.id, backend);
    }
    return backend;
  };
}
