import type { ApiClient } from '../client.ts';

export interface ReleaseOptions {
  env: string[];
  configRepo?: string;
  branch?: string;
  tag?: string;
  imageRepository?: string;
  chartVersion?: string;
  chartRepository?: string;
}

/**
 * `trunkline release SERVICE --env staging` (a branch build with a preview
 * environment releases into its preview, `--env` not needed): writes the build's image tag
 * and chart version into the config repository for those environments
 * (a commit linking the build and source commit), which the GitOps
 * controller then applies. Inside a pipeline every default comes from the
 * build's variables.
 */
export async function releaseCommand(api: ApiClient, service: string, options: ReleaseOptions): Promise<void> {
  const env = process.env;
  const configRepo = options.configRepo ?? env.TRUNKLINE_CONFIG_REPO;
  const tag = options.tag ?? env.TRUNKLINE_IMAGE_TAG;
  if (!configRepo) throw new Error('no config repository: pass --config-repo (URL, path or built-in namespace/name)');
  if (!tag) throw new Error('no image tag: pass --tag (inside a pipeline TRUNKLINE_IMAGE_TAG is used)');
  const branch = env.DRONE_BUILD_EVENT === 'push' || env.DRONE_BUILD_EVENT === 'create' ? env.DRONE_BRANCH : undefined;
  if (options.env.length === 0 && !branch) throw new Error('name at least one environment with --env');
  const registry = env.TRUNKLINE_REGISTRY;
  const chartVersion = options.chartVersion ?? (env.DRONE_BUILD_NUMBER ? `0.1.${env.DRONE_BUILD_NUMBER}` : undefined);
  const result = await api.post<{ commit?: string; changed: string[]; preview?: string; url?: string | null }>('/api/releases', {
    configRepo,
    branch: options.branch,
    service,
    environments: options.env,
    image: { tag, repository: options.imageRepository ?? (registry && env.DRONE_REPO ? `${registry}/${env.DRONE_REPO}` : undefined) },
    chart: chartVersion
      ? { version: chartVersion, repository: options.chartRepository ?? (registry ? `oci://${registry}/charts/${service}` : undefined) }
      : undefined,
    build: env.DRONE_BUILD_LINK ? { url: env.DRONE_BUILD_LINK } : undefined,
    // A branch with a preview environment gets the release there instead.
    source: env.DRONE_REPO && env.DRONE_COMMIT_SHA ? { repo: env.DRONE_REPO, commit: env.DRONE_COMMIT_SHA, branch } : undefined,
  });
  if (result.preview) {
    process.stdout.write(`released ${service} ${tag} to preview ${result.preview}${result.url ? ` (${result.url})` : ''}\n`);
    return;
  }
  process.stdout.write(
    result.changed.length > 0
      ? `released ${service} ${tag} to ${options.env.join(', ')} (commit ${result.commit?.slice(0, 8)})\n`
      : `${service} is already at ${tag} in ${options.env.join(', ')}\n`,
  );
}
