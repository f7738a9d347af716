import type { ApiClient } from '../client.ts';

export interface VersionOptions {
  tag?: string;
  imageRepository?: string;
  chartVersion?: string;
  chartRepository?: string;
}

export interface ReleaseOptions extends VersionOptions {
  env: string[];
  configRepo?: string;
  branch?: string;
  review?: boolean;
}

/**
 * The version of this build as the API takes it: image tag and chart
 * version, the build link and source (repository, commit, branch or tag,
 * number). Inside a pipeline every default comes from the build's variables.
 */
export function versionPayload(service: string, options: VersionOptions) {
  const env = process.env;
  const tag = options.tag ?? env.TRUNKLINE_IMAGE_TAG;
  if (!tag) throw new Error('no image tag: pass --tag (inside a pipeline TRUNKLINE_IMAGE_TAG is used)');
  const registry = env.TRUNKLINE_REGISTRY;
  const chartVersion = options.chartVersion ?? (env.DRONE_BUILD_NUMBER ? `0.1.${env.DRONE_BUILD_NUMBER}` : undefined);
  const build = env.DRONE_BUILD_NUMBER ? Number(env.DRONE_BUILD_NUMBER) : undefined;
  return {
    image: { tag, repository: options.imageRepository ?? (registry && env.DRONE_REPO ? `${registry}/${env.DRONE_REPO}` : undefined) },
    chart: chartVersion
      ? { version: chartVersion, repository: options.chartRepository ?? (registry ? `oci://${registry}/charts/${service}` : undefined) }
      : undefined,
    build: env.DRONE_BUILD_LINK ? { url: env.DRONE_BUILD_LINK } : undefined,
    source:
      env.DRONE_REPO && env.DRONE_COMMIT_SHA
        ? {
            repo: env.DRONE_REPO,
            commit: env.DRONE_COMMIT_SHA,
            branch: env.DRONE_BRANCH || undefined,
            tag: env.DRONE_TAG || undefined,
            build: build && Number.isSafeInteger(build) && build > 0 ? build : undefined,
          }
        : undefined,
  };
}

/**
 * `trunkline release SERVICE [--env staging]`: writes the build's image tag
 * and chart version into the config repository (a commit linking the build
 * and source commit), which the GitOps controller then applies. Without
 * `--env`, every environment of environments.yaml that takes the build
 * (trunk, matching tags) gets it; production waits for its approvals.
 */
export async function releaseCommand(api: ApiClient, service: string, options: ReleaseOptions): Promise<void> {
  const configRepo = options.configRepo ?? process.env.TRUNKLINE_CONFIG_REPO;
  const payload = versionPayload(service, options);
  if (options.review && options.env.length === 0) throw new Error('--review needs the environments it proposes the version for: pass --env');
  if (options.env.length === 0) {
    const result = await api.post<{ commit: string | null; environments: string[]; skipped: { environment: string; reason: string }[] } | PreviewRelease>('/api/releases', { service, ...payload });
    if ('preview' in result) return printPreview(service, payload.image.tag, result);
    for (const skip of result.skipped) process.stdout.write(`${service} ${payload.image.tag}: not written to ${skip.environment}: ${skip.reason}\n`);
    process.stdout.write(
      result.environments.length > 0
        ? `released ${service} ${payload.image.tag} to ${result.environments.join(', ')}${result.commit ? ` (commit ${result.commit.slice(0, 8)})` : ''}\n`
        : `no environment takes ${service} ${payload.image.tag} now\n`,
    );
    return;
  }
  const result = await api.post<{ commit?: string; changed: string[]; branch?: string; pullRequest?: { url: string } } | PreviewRelease>('/api/releases', {
    configRepo,
    branch: options.branch,
    service,
    environments: options.env,
    ...(options.review ? { review: true } : {}),
    ...payload,
    // A pushed branch that has a preview environment gets the release there instead.
    source: payload.source ? { repo: payload.source.repo, commit: payload.source.commit, branch: pushedBranch() } : undefined,
  });
  if ('preview' in result) return printPreview(service, payload.image.tag, result);
  if (result.branch) {
    process.stdout.write(`proposed ${service} ${payload.image.tag} for ${options.env.join(', ')} on branch ${result.branch}${result.pullRequest ? `: ${result.pullRequest.url}` : ''}\n`);
    return;
  }
  process.stdout.write(
    result.changed.length > 0
      ? `released ${service} ${payload.image.tag} to ${options.env.join(', ')} (commit ${result.commit?.slice(0, 8)})\n`
      : `${service} is already at ${payload.image.tag} in ${options.env.join(', ')}\n`,
  );
}

/** What the server answers when the release went to the branch's preview environment. */
interface PreviewRelease {
  preview: string;
  commit?: string;
  url?: string | null;
}

function printPreview(service: string, tag: string, result: PreviewRelease): void {
  process.stdout.write(`released ${service} ${tag} to preview ${result.preview}${result.url ? ` (${result.url})` : ''}\n`);
}

/** The branch of a push or branch creation (the builds a preview follows). */
function pushedBranch(): string | undefined {
  const event = process.env.DRONE_BUILD_EVENT;
  return event === 'push' || event === 'create' ? process.env.DRONE_BRANCH || undefined : undefined;
}
