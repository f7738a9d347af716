import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ConfigError, silentLogger, type Logger } from '../../../core/index.ts';
import { createRegistryClient, parseReference } from '../../oci/client/index.ts';
import { mediaTypes, type RegistryClient } from '../../oci/types.ts';
import { readBase, type BaseImage } from '../base.ts';
import { buildImage, type PushedImage } from '../build.ts';
import { rfc3339 } from '../config.ts';
import { buildLayer, type BuiltLayer } from '../layer.ts';
import { manifestSchema, parseRegistryJson } from '../schemas.ts';
import { buildWithContainerBuilder, findContainerBuilder, type ContainerBuilder } from './container-builder.ts';
import { BuildContext } from './context.ts';
import { parseDockerfile } from './parse.ts';
import { baseOf, needsContainerBuilder, planDockerfile } from './plan.ts';

export interface DockerfileBuildOptions {
  /** The build context folder. */
  context: string;
  /** Default `<context>/Dockerfile`. */
  dockerfile?: string;
  buildArgs?: Record<string, string>;
  repository: string;
  /** Primary tag `{build}-{branch}-{sha8}`. */
  tag: string;
  extraTags?: string[];
  revision: string;
  source?: string;
  created: Date;
  /** Client for the target registry. */
  client: RegistryClient;
  /** Clients for base image registries; anonymous clients when omitted. */
  clientFor?: (registry: string) => RegistryClient;
  /** Credentials and TLS for a container builder's push (default: no TLS verification on loopback hosts only). */
  credentials?: { username: string; password: string };
  tlsVerify?: boolean;
  /** For Dockerfiles beyond the subset; `undefined` disables the fallback; found on PATH when omitted. */
  containerBuilder?: ContainerBuilder | undefined;
  logger?: Logger;
}

export type DockerfileBuildResult = PushedImage & { builder: 'daemonless' | ContainerBuilder['name'] };

/**
 * Builds a Dockerfile: the supported subset daemonlessly (base layers reused,
 * one deterministic layer per COPY/ADD); a Dockerfile with RUN and the like
 * through buildah, podman or docker when one is available, else a
 * `ConfigError` naming the line.
 */
export async function buildFromDockerfile(options: DockerfileBuildOptions): Promise<DockerfileBuildResult> {
  const logger = options.logger ?? silentLogger;
  const context = await BuildContext.open(options.context);
  const dockerfilePath = resolve(options.dockerfile ?? join(context.dir, 'Dockerfile'));
  const text = await readFile(dockerfilePath, 'utf8').catch(() => {
    throw new ConfigError(`Dockerfile ${dockerfilePath} not found`);
  });
  const parsed = parseDockerfile(text);
  const buildArgs = options.buildArgs ?? {};
  const foreign = needsContainerBuilder(parsed);
  if (foreign) {
    const builder = 'containerBuilder' in options ? options.containerBuilder : await findContainerBuilder();
    if (builder) return viaContainerBuilder(builder, dockerfilePath, context.dir, options, logger);
    // Without a builder, the planner reports the line with a clear message.
  }

  const baseText = baseOf(parsed, buildArgs);
  let base: BaseImage | undefined;
  let baseClient: RegistryClient | undefined;
  if (baseText !== 'scratch') {
    const reference = parseReference(baseText);
    baseClient = clientFor(options, reference.registry);
    base = await readBase(baseClient, reference, { architecture: 'amd64', os: 'linux' });
  }
  const plan = planDockerfile(parsed, {
    buildArgs,
    ...(base?.config.config?.Env ? { baseEnv: base.config.config.Env } : {}),
    ...(base?.config.config?.WorkingDir ? { baseWorkingDir: base.config.config.WorkingDir } : {}),
  });

  const work = await mkdtemp(join(tmpdir(), 'tl-dockerfile-'));
  try {
    const layers: BuiltLayer[] = [];
    for (const [n, step] of plan.copies.entries()) {
      const entries = await context.entries(step);
      layers.push(await buildLayer(entries, { mtime: options.created, output: join(work, `layer-${n}.tar.gz`), ignore: context.ignoreSource }));
    }
    const pushed = await buildImage(
      {
        base: base ? base.reference : 'scratch',
        repository: options.repository,
        tag: options.tag,
        ...(options.extraTags ? { extraTags: options.extraTags } : {}),
        layers,
        settings: plan.settings,
        history: plan.history,
        revision: options.revision,
        ...(options.source ? { source: options.source } : {}),
        created: options.created,
      },
      { client: options.client, ...(baseClient ? { baseClient } : {}), logger },
    );
    return { ...pushed, builder: 'daemonless' };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

function clientFor(options: DockerfileBuildOptions, registry: string): RegistryClient {
  if (options.clientFor) return options.clientFor(registry);
  return registry === options.client.registry ? options.client : createRegistryClient({ registry });
}

async function viaContainerBuilder(
  builder: ContainerBuilder,
  dockerfile: string,
  context: string,
  options: DockerfileBuildOptions,
  logger: Logger,
): Promise<DockerfileBuildResult> {
  const { client, repository } = options;
  const reference = `${client.registry}/${repository}:${options.tag}`;
  const host = client.registry.replace(/:\d+$/, '');
  const labels: Record<string, string> = {
    'org.opencontainers.image.created': rfc3339(options.created),
    'org.opencontainers.image.revision': options.revision,
    ...(options.source ? { 'org.opencontainers.image.source': options.source } : {}),
  };
  logger.info({ builder: builder.name, reference }, 'Dockerfile needs a container builder');
  const reported = await buildWithContainerBuilder(builder, {
    context,
    dockerfile,
    reference,
    buildArgs: options.buildArgs ?? {},
    labels,
    created: options.created,
    tlsVerify: options.tlsVerify ?? !['127.0.0.1', 'localhost', '[::1]'].includes(host),
    ...(options.credentials ? { credentials: options.credentials } : {}),
    logger,
  });
  // Read back what the registry holds under the tag: the digest to record, and the bytes to tag again.
  const fetched = await client.getManifest(repository, reported ?? options.tag);
  const tags = [options.tag, ...(options.extraTags ?? []).filter((t) => t !== options.tag)];
  for (const tag of tags.slice(1)) await client.putManifest(repository, tag, fetched.bytes, fetched.mediaType);
  const manifest = parseRegistryJson(manifestSchema, fetched.bytes, `manifest of ${reference}`);
  return {
    reference,
    repository,
    digest: fetched.digest,
    size: fetched.bytes.length,
    mediaType: fetched.mediaType || mediaTypes.ociManifest,
    tags,
    configDigest: manifest.config.digest,
    builder: builder.name,
  };
}
