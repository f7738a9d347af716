import type { ConfigRepository } from '../../gitops/index.ts';
import type { ConfigFileSource } from '../catalog/index.ts';

/** Files at the tip of the config repository's branch, read through its write-back copy (fetched first): works for built-in and remote repositories alike. */
export function configRepositorySource(repo: ConfigRepository): ConfigFileSource {
  return {
    read: (path) => repo.read(async (tip) => ({ revision: tip ?? null, text: tip ? await repo.readFile(tip, path) : undefined })),
  };
}
