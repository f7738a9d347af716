import type { Logger } from '../core/index.ts';
import { ConfigError } from '../core/index.ts';
import type { PlanPipeline } from '../pipeline/index.ts';
import { backends as registeredBackends, selectBackend } from './backends.ts';
import type { Backend, BackendDefinition } from './contract.ts';

export interface BackendPoolOptions {
  /** Default: every registered backend. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each definition has its own config type
  backends?: readonly BackendDefinition<any>[];
  /** Raw configuration per backend id, parsed by that backend's schema (missing = defaults). */
  config?: Record<string, unknown>;
  logger: Logger;
}

/**
 * One backend instance per backend kind, made on first use after its
 * configuration is parsed and its availability checked; a pipeline whose
 * type no available backend runs gets a `ConfigError` saying why.
 */
export class BackendPool {
  readonly #options: BackendPoolOptions;
  readonly #instances = new Map<string, Promise<Backend>>();

  constructor(options: BackendPoolOptions) {
    this.#options = options;
  }

  /** The pipeline types the registered backends run (available or not; those that need configuration only when given it). */
  types(): string[] {
    return [...new Set(this.#definitions().flatMap((d) => d.pipelineTypes))];
  }

  for(pipeline: Pick<PlanPipeline, 'type' | 'name'>): Promise<Backend> {
    const definition = selectBackend(pipeline.type, pipeline.name, this.#definitions());
    let instance = this.#instances.get(definition.id);
    if (!instance) {
      instance = this.#create(definition);
      this.#instances.set(definition.id, instance);
      instance.catch(() => this.#instances.delete(definition.id)); // retry next time
    }
    return instance;
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- see above
  #definitions(): readonly BackendDefinition<any>[] {
    const all = this.#options.backends ?? registeredBackends;
    return all.filter((d) => d.requiresConfig !== true || this.#options.config?.[d.id] !== undefined);
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- see above
  async #create(definition: BackendDefinition<any>): Promise<Backend> {
    const config: unknown = definition.configSchema.parse(this.#options.config?.[definition.id] ?? {});
    const availability = await definition.isAvailable(config);
    if (!availability.available) throw new ConfigError(`the ${definition.id} backend is not available: ${availability.reason}`);
    return definition.create(config, { logger: this.#options.logger });
  }
}
