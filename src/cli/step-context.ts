import { execFileSync } from 'node:child_process';
import { createRegistryClient, type RegistryClient } from '../artifacts/index.ts';
import type { ApiClient } from './client.ts';

/**
 * What an artifact command running inside a pipeline step knows from its
 * environment (Drone's variables and Trunkline's stage credentials), with
 * flags taking precedence. Outside a pipeline every value must be given.
 */
export interface StepContext {
  registry: string;
  /** `namespace/name` of the repository being built. */
  repo?: string;
  buildNumber?: number;
  imageTag?: string;
  commit: string;
  /** Commit time, for reproducible artifacts. */
  created: Date;
  source?: string;
  credentials?: { username: string; password: string };
}

const env = process.env;

export function stepContext(flags: { registry?: string; username?: string; passwordEnv?: string }): StepContext {
  const registry = flags.registry ?? env.TRUNKLINE_REGISTRY;
  if (!registry) throw new Error('no registry: pass --registry HOST[:PORT] (inside a pipeline TRUNKLINE_REGISTRY is set)');
  const password = flags.passwordEnv ? env[flags.passwordEnv] : env.TRUNKLINE_TOKEN;
  const commit = env.DRONE_COMMIT_SHA || gitOutput(['rev-parse', 'HEAD']) || '';
  const epoch = Number(env.SOURCE_DATE_EPOCH ?? gitOutput(['log', '-1', '--format=%ct']) ?? Number.NaN);
  return {
    registry,
    repo: env.DRONE_REPO,
    buildNumber: env.DRONE_BUILD_NUMBER ? Number(env.DRONE_BUILD_NUMBER) : undefined,
    imageTag: env.TRUNKLINE_IMAGE_TAG,
    commit,
    created: Number.isFinite(epoch) ? new Date(epoch * 1000) : new Date(0),
    source: env.DRONE_GIT_HTTP_URL || env.DRONE_REPO_LINK || undefined,
    credentials: password ? { username: flags.username ?? 'trunkline-ci', password } : undefined,
  };
}

export function registryClient(context: StepContext): RegistryClient {
  return createRegistryClient({ registry: context.registry, credentials: context.credentials });
}

/** Records an artifact on the build when running inside a Trunkline pipeline; says so otherwise. */
export async function recordArtifact(
  api: ApiClient,
  context: StepContext,
  artifact: { kind: 'image' | 'chart'; reference: string; digest: string; tags: string[]; mediaType: string; size: number },
): Promise<void> {
  if (!env.TRUNKLINE_SERVER || !context.repo || !context.buildNumber) {
    process.stdout.write('not inside a Trunkline build: the artifact is not recorded on a build\n');
    return;
  }
  await api.post(`/api/repos/${context.repo}/builds/${context.buildNumber}/artifacts`, artifact);
}

function gitOutput(args: string[]): string | undefined {
  try {
    return execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() || undefined;
  } catch {
    return undefined;
  }
}
