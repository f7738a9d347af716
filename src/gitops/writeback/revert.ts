import { ConfigError, NotFoundError } from '../../core/index.ts';
import type { ConfigRepository, Credentials, TreeEntry } from './config-repository.ts';
import { defaultIdentity } from './identity.ts';
import type { Identity } from './identity.ts';

export interface RevertOptions {
  repo: ConfigRepository;
  /** An earlier commit of the followed branch (sha, or any name the fetched copy resolves). */
  revision: string;
  /** A folder or file (`environments/production/api`); the whole repository when absent. */
  path?: string;
  /** Why, for the commit message (an incident, who asked). */
  reason?: string;
  identity?: Identity;
  /** For HTTP remotes, sent as a header for these git calls only. */
  credentials?: Credentials;
}

export interface RevertResult {
  /** The new commit; the current tip when the path already matched. */
  commit: string | undefined;
  changed: string[];
  attempts: number;
  /** The commits since `revision` that touched the path, newest first: what the new commit undoes. */
  reverted: string[];
}

/**
 * Makes `path` what it was at `revision` with one new commit on top
 * (history kept, never a reset or force push): the tree of the path is
 * restored from that revision, which undoes every later commit touching
 * it at once and cannot conflict. Redone on the new tip after a lost race.
 */
export async function revertTo(options: RevertOptions): Promise<RevertResult> {
  const { repo } = options;
  const path = normalise(options.path ?? '');
  let reverted: string[] = [];
  const outcome = await repo.commit({
    identity: options.identity ?? defaultIdentity,
    credentials: options.credentials,
    edit: async (base) => {
      if (!base) throw new NotFoundError('the config repository has no commits to revert');
      const revision = await repo.resolve(options.revision);
      if (!(await repo.isAncestor(revision, base))) {
        throw new ConfigError(`${options.revision} is not an earlier revision of ${repo.branch}`, { revision: options.revision });
      }
      const undone = await repo.log(revision, base, path);
      reverted = undone.map((c) => c.sha);
      if (undone.length === 0) return undefined;
      const message = revertMessage(path, revision, undone, options.reason);
      if (!path) return { message, from: revision, entries: [] };
      const entries: TreeEntry[] = [
        ...(await repo.files(base, path)).map((f) => ({ path: f.path, remove: true as const })),
        ...(await repo.files(revision, path)),
      ];
      return { message, entries };
    },
  });
  return { commit: outcome.commit, changed: outcome.changed, attempts: outcome.attempts, reverted: outcome.changed.length > 0 ? reverted : [] };
}

function revertMessage(path: string, revision: string, undone: Array<{ sha: string; subject: string }>, reason: string | undefined): string {
  const what = path || 'the repository';
  const lines = [`Revert ${what} to ${revision.slice(0, 8)}`, '', `Restores ${what} as of ${revision}, undoing:`];
  for (const commit of undone) lines.push(`- ${commit.sha.slice(0, 8)} ${commit.subject}`);
  if (reason) lines.push('', `Reason: ${reason}`);
  return `${lines.join('\n')}\n`;
}

function normalise(path: string): string {
  const clean = path.replace(/^\/+|\/+$/g, '');
  if (clean.split('/').some((segment) => segment === '..' || segment === '.')) throw new ConfigError(`"${path}" is not a path inside the config repository`);
  return clean;
}
