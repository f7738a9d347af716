import type { ConfigRequest, ConfigResolution, PipelineConfigSource } from './contract.ts';

/** The repository's own pipeline file (`configPath`) at the build's commit. */
export async function readRepositoryFile(request: ConfigRequest): Promise<ConfigResolution> {
  const file = request.repo.configPath;
  const text = await request.readRepoFile(file);
  if (text === undefined) {
    return { source: 'none', reason: `no ${file} in the repository at ${request.build.commitSha.slice(0, 8)}` };
  }
  return { source: 'repo', file, text };
}

/** The default source: every repository builds with its own pipeline file. */
export const repoFileSource: PipelineConfigSource = { resolve: readRepositoryFile };
