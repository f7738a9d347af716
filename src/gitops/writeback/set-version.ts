import { ConfigError } from '../../core/index.ts';
import type { ConfigRepository, Credentials, TreeEntry } from './config-repository.ts';
import { defaultIdentity } from './identity.ts';
import type { Identity } from './identity.ts';
import { checkName, serviceFolder } from './names.ts';
import type { PullRequest, PullRequestOpener } from './pull-requests/index.ts';
import { isImageTag, parseRelease, RELEASE_FILE, renderRelease, sameRelease } from './release-file.ts';
import type { Release } from './release-file.ts';

export interface SetVersionOptions {
  repo: ConfigRepository;
  service: string;
  environments: string[];
  /** The build's image; `repository` is needed only where the service has no version file yet or moves. */
  image: { tag: string; repository?: string };
  /** The unified chart's version (`0.1.{build}`); `repository` as for the image. */
  chart?: { version: string; repository?: string };
  /** Linked from the commit message. */
  build?: { url?: string };
  source?: { repo: string; commit: string };
  identity?: Identity;
  /** For HTTP remotes, sent as a header for these git calls only. */
  credentials?: Credentials;
  /** Push a branch for review instead of the followed branch, and open a pull request when an opener is given. */
  review?: { opener?: PullRequestOpener };
}

export interface SetVersionResult {
  /** The new commit; the current tip when nothing changed (undefined in an empty repository). */
  commit: string | undefined;
  /** Files the commit changed; empty for a no-op. */
  changed: string[];
  attempts: number;
  /** Review mode: the branch pushed. */
  branch?: string;
  /** Review mode with an opener: the request opened. */
  pullRequest?: PullRequest;
}

/**
 * Sets a service's image (and chart) version in environments with one
 * commit, pushed without force: after a lost race the edit is redone from
 * the new tip, so concurrent builds never drop each other's versions. A
 * version already in place makes no commit.
 */
export async function setVersion(options: SetVersionOptions): Promise<SetVersionResult> {
  const { repo, service, image } = options;
  checkName('service', service);
  const environments = [...new Set(options.environments.map((e) => checkName('environment', e)))];
  if (environments.length === 0) throw new ConfigError('no environment to set the version in');
  if (!isImageTag(image.tag)) throw new ConfigError(`"${image.tag}" is not a valid image tag`);
  const identity = options.identity ?? defaultIdentity;
  const branch = options.review ? `trunkline/${service}-${image.tag}` : undefined;
  let subject = '';
  let body = '';

  const outcome = await repo.commit({
    identity,
    credentials: options.credentials,
    pushBranch: branch,
    edit: async (base) => {
      const entries: TreeEntry[] = [];
      const changedEnvironments: string[] = [];
      for (const environment of environments) {
        const path = `${serviceFolder(environment, service)}/${RELEASE_FILE}`;
        const previous = base ? await repo.readFile(base, path) : undefined;
        const current = previous === undefined ? undefined : parseRelease(previous, path);
        const next = nextRelease(path, current, options);
        if (current && sameRelease(current, next)) continue;
        entries.push({ path, mode: '100644', sha: await repo.writeBlob(renderRelease(next, previous)) });
        changedEnvironments.push(environment);
      }
      if (entries.length === 0) return undefined;
      subject = `${service}: ${image.tag} to ${changedEnvironments.join(', ')}`;
      body = messageBody(options);
      return { message: body ? `${subject}\n\n${body}\n` : `${subject}\n`, entries };
    },
  });

  const result: SetVersionResult = { commit: outcome.commit, changed: outcome.changed, attempts: outcome.attempts };
  if (branch && outcome.changed.length > 0) {
    result.branch = branch;
    if (options.review?.opener) {
      result.pullRequest = await options.review.opener.open({ title: subject, body, head: branch, base: repo.branch });
    }
  }
  return result;
}

function nextRelease(path: string, current: Release | undefined, options: SetVersionOptions): Release {
  const imageRepository = options.image.repository ?? current?.image.repository;
  if (!imageRepository) throw new ConfigError(`${path} does not exist yet: give the image repository to create it`, { file: path });
  const next: Release = { image: { repository: imageRepository, tag: options.image.tag } };
  if (options.chart) {
    const chartRepository = options.chart.repository ?? current?.chart?.repository;
    if (!chartRepository) throw new ConfigError(`${path} names no chart yet: give the chart repository with its version`, { file: path });
    next.chart = { repository: chartRepository, version: options.chart.version };
  } else if (current?.chart) {
    next.chart = current.chart;
  }
  // The file written must read back: a bad repository or version given by the caller is caught here, before any commit.
  parseRelease(renderRelease(next), path);
  return next;
}

function messageBody(options: SetVersionOptions): string {
  const lines: string[] = [];
  if (options.chart) lines.push(`Chart: ${options.chart.version}`);
  if (options.build?.url) lines.push(`Build: ${options.build.url}`);
  if (options.source) lines.push(`Source: ${options.source.repo}@${options.source.commit}`);
  return lines.join('\n');
}
