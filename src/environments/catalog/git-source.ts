import { NotFoundError } from '../../core/index.ts';
import { readFileAt, resolveCommit } from '../../git/index.ts';
import type { ConfigFileSource } from './catalog.ts';

/** Files at the tip of `branch` of a repository on this machine (the built-in host's, or a mirror). */
export function gitFileSource(repoDir: () => string | undefined, branch: string): ConfigFileSource {
  return {
    async read(path) {
      const dir = repoDir();
      if (dir === undefined) return { revision: null, text: undefined };
      let revision: string;
      try {
        revision = await resolveCommit(dir, `refs/heads/${branch}`);
      } catch (error) {
        if (error instanceof NotFoundError) return { revision: null, text: undefined };
        throw error;
      }
      return { revision, text: await readFileAt(dir, revision, path) };
    },
  };
}
