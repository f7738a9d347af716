import { ConfigError } from '../core/index.ts';
import type { BackendDefinition } from './contract.ts';
import { containerBackend } from './container/definition.ts';
import { execBackend } from './exec/definition.ts';
import { kubernetesBackend } from './kubernetes/definition.ts';

/** Every backend this runner can use. Adding one is adding it here. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each definition has its own config type
export const backends: readonly BackendDefinition<any>[] = [execBackend, containerBackend, kubernetesBackend];

/** The pipeline types Drone knows, whether or not a backend here runs them. */
export const knownPipelineTypes: readonly string[] = ['exec', 'docker', 'kubernetes', 'ssh', 'digitalocean', 'macstadium', 'vm'];

/** What would run the pipeline types Drone knows, for errors about a missing backend. */
const missingBackends: Record<string, { long: string; short: string }> = {
  docker: { long: 'the container backend (docker or podman)', short: 'the container backend' },
  kubernetes: { long: 'the kubernetes backend', short: 'the kubernetes backend' },
};

/**
 * The definition that runs pipelines of `type`, or a `ConfigError` that
 * names the pipeline, its type and what would run it.
 */
export function selectBackend<Config = unknown>(
  type: string,
  pipelineName: string,
  definitions: readonly BackendDefinition<Config>[] = backends.filter((d) => d.requiresConfig !== true) as readonly BackendDefinition<Config>[],
): BackendDefinition<Config> {
  const found = definitions.find((definition) => definition.pipelineTypes.includes(type));
  if (found) return found;
  const known = missingBackends[type];
  const missing = known ? `${known.long} is not available here` : 'no backend for this type is known here';
  const alternatives = [...new Set(definitions.flatMap((d) => d.pipelineTypes))].map((t) => `"type: ${t}" or `);
  const runner = `a runner with ${known ? known.short : `a backend for type "${type}"`}`;
  throw new ConfigError(
    `pipeline "${pipelineName}" has type "${type}", which this runner cannot run: ${missing}; use ${alternatives.join('')}${runner}`,
    { pipeline: pipelineName, type },
  );
}
