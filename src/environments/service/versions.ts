/**
 * Versions in the config repository: what `release.yaml` says at a commit,
 * at the branch tip (what waits), and at the last successful sync (what
 * runs); and the source commits between two image versions.
 */
import { git } from '../../git/index.ts';
import { parseRelease, RELEASE_FILE, serviceFolder } from '../../gitops/index.ts';
import type { Release } from '../../gitops/index.ts';
import type { ApplicationRecord, BuildRecord, ReleaseVersion } from '../../store/index.ts';
import { parseBuildTag, repoOfImage } from '../policy/image-tag.ts';
import type { EnvironmentDeps } from './deps.ts';

export interface VersionAt {
  release: Release | undefined;
  /** The config commit read. */
  revision: string | undefined;
}

export async function releaseAt(deps: EnvironmentDeps, commit: string | undefined, environment: string, service: string): Promise<Release | undefined> {
  if (!commit) return undefined;
  const path = `${serviceFolder(environment, service)}/${RELEASE_FILE}`;
  const text = await deps.config.repository.readFile(commit, path);
  return text === undefined ? undefined : parseRelease(text, path);
}

/** The version at the tip of the config branch (fetched first). */
export async function tipVersion(deps: EnvironmentDeps, environment: string, service: string): Promise<VersionAt> {
  return deps.config.repository.read(async (tip) => ({ revision: tip, release: await releaseAt(deps, tip, environment, service) }));
}

/** The version the last successful sync of the application applied. */
export async function deployedVersion(deps: EnvironmentDeps, app: ApplicationRecord | undefined, environment: string, service: string): Promise<VersionAt & { by?: string; at?: number }> {
  if (!app) return { release: undefined, revision: undefined };
  const syncs = await deps.store.syncs.listByApp(app.id, { limit: 50 });
  const last = syncs.find((s) => s.status === 'Succeeded' && !s.dryRun);
  if (!last) return { release: undefined, revision: undefined };
  const release = await releaseAt(deps, last.revision, environment, service).catch(() => undefined);
  return { release, revision: last.revision, by: last.triggeredBy, at: last.finishedAt ?? last.updatedAt };
}

export interface SourceCommit {
  sha: string;
  message: string;
  authorName: string;
  authorEmail: string;
  /** Unix milliseconds. */
  committedAt: number;
}

export interface BuildOfImage {
  build: BuildRecord;
  slug: string;
}

/** The build that made an image `{build}-{branch}-{sha8}` of `host/namespace/name`, when it is in the store. */
export async function buildOfImage(deps: EnvironmentDeps, release: Release | undefined): Promise<BuildOfImage | undefined> {
  if (!release) return undefined;
  const tag = parseBuildTag(release.image.tag);
  const slug = repoOfImage(release.image.repository);
  if (!tag || !slug) return undefined;
  const repo = await deps.store.repos.getBySlug(slug).catch(() => undefined);
  if (!repo) return undefined;
  const build = await deps.store.builds.findByNumber(repo.id, tag.build);
  if (!build || !build.commitSha.startsWith(tag.sha8)) return undefined;
  return { build, slug };
}

const maxCommits = 100;

/**
 * The source commits in `to` that are not in `from`, newest first (at most
 * 100); without `from`, the last commits up to `to`. Empty when the source
 * repository is not on this machine.
 */
export async function commitsBetween(deps: EnvironmentDeps, slug: string, from: string | undefined, to: string): Promise<SourceCommit[]> {
  const dir = deps.sourceRepoDir(slug);
  if (!dir) return [];
  const range = from && from !== to ? [`${from}..${to}`] : [to];
  const { stdout, code } = await git(['log', `--max-count=${from ? maxCommits : 20}`, '--format=%H%x00%an%x00%ae%x00%ct%x00%s%x1e', ...range, '--'], { cwd: dir, okCodes: [128] });
  if (code !== 0) return [];
  return stdout
    .split('\x1e')
    .map((record) => record.replace(/^\n/, ''))
    .filter((record) => record !== '')
    .map((record) => {
      const [sha = '', authorName = '', authorEmail = '', time = '0', message = ''] = record.split('\0');
      return { sha, authorName, authorEmail, committedAt: Number(time) * 1000, message };
    });
}

/** The source commits of the change from the deployed version to `pending` (empty when unknown). */
export async function changeCommits(deps: EnvironmentDeps, deployed: Release | undefined, pending: Release | undefined): Promise<{ commits: SourceCommit[]; build: BuildOfImage | undefined }> {
  const to = await buildOfImage(deps, pending);
  if (!to) return { commits: [], build: undefined };
  const from = await buildOfImage(deps, deployed);
  const base = from && from.slug === to.slug ? from.build.commitSha : undefined;
  return { commits: await commitsBetween(deps, to.slug, base, to.build.commitSha), build: to };
}

/** Image digest of a version: from the build's artifact records, else from the registry. */
export async function versionOf(deps: EnvironmentDeps, release: Release | undefined, build: BuildOfImage | undefined): Promise<ReleaseVersion> {
  if (!release) return { imageTag: null, imageDigest: null, chartVersion: null };
  let digest: string | undefined;
  if (build) {
    const artifacts = await deps.store.artifacts.listByBuild(build.build.id);
    digest = artifacts.find((a) => a.kind === 'image' && a.tags.includes(release.image.tag))?.digest;
  }
  digest ??= await deps.resolveDigest(release.image.repository, release.image.tag).catch(() => undefined);
  return { imageTag: release.image.tag, imageDigest: digest ?? null, chartVersion: release.chart?.version ?? null };
}
