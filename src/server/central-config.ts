import { join } from 'node:path';
import { CentralConfig, Mirror, repoFileSource, type GitHost, type PipelineConfigSource } from '../git/index.ts';
import type { ServerConfig } from './config.ts';

/**
 * The pipeline-file source the configuration asks for: each repository's
 * own file, or central rules in a config repository (which may itself live
 * on the built-in host, given as `namespace/name`) and Drone configuration
 * extensions.
 */
export function pipelineConfigSource(config: ServerConfig, gitHost: GitHost): PipelineConfigSource {
  const central = config.centralConfig;
  if (!central) return repoFileSource;
  const remote = central.repo && /^[A-Za-z0-9][\w.-]*\/[A-Za-z0-9][\w.-]*$/.test(central.repo)
    ? gitHost.repos.path(...(central.repo.split('/') as [string, string]))
    : central.repo;
  return new CentralConfig({
    mirror: remote ? new Mirror(remote, join(config.dataDir, 'mirrors', 'central-config.git')) : undefined,
    branch: central.branch,
    rulesFile: central.rulesFile,
    extensions: central.extensions,
  });
}
