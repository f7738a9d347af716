import { createHash } from 'node:crypto';
import { ConfigError, silentLogger, type Logger } from '../../core/index.ts';
import { mediaTypes, type Descriptor, type ImageManifest, type ImageReference, type RegistryClient } from '../oci/types.ts';
import { readBase, type BaseImage, type Platform } from './base.ts';
import { imageConfig } from './config.ts';
import type { BuiltLayer } from './layer.ts';
import { reuseLayers } from './transfer.ts';
import type { ContainerSettings, HistoryStep } from './types.ts';

export interface ImageSpec {
  /** `scratch`, or the base image (any registry; an index resolves to `platform`). */
  base: 'scratch' | ImageReference;
  /** Repository in the target registry (the one `client` talks to). */
  repository: string;
  /** The primary tag, `{build}-{branch}-{sha8}`, computed by the caller. */
  tag: string;
  extraTags?: string[];
  /** New layers on top of the base, in order (from {@link buildLayer}). */
  layers: (BuiltLayer & { createdBy?: string })[];
  settings?: ContainerSettings;
  /** Full history of the new steps (layer and config-only); one entry per layer when omitted. */
  history?: HistoryStep[];
  /** Commit sha (`org.opencontainers.image.revision`). */
  revision: string;
  /** Repository URL (`org.opencontainers.image.source`). */
  source?: string;
  /** Commit time: the config's `created` and `org.opencontainers.image.created`. */
  created: Date;
  /** Default linux/amd64. */
  platform?: Platform;
}

export interface ImageBuildContext {
  /** Client for the target registry. */
  client: RegistryClient;
  /** Client for the base image's registry; `client` when omitted (the base must then live there). */
  baseClient?: RegistryClient;
  logger?: Logger;
}

/** What a build records about the pushed image. */
export interface PushedImage {
  /** `registry/repository:tag` (primary tag). */
  reference: string;
  repository: string;
  /** Manifest digest: what deployments pin. */
  digest: string;
  /** Manifest size in bytes. */
  size: number;
  mediaType: string;
  /** Every tag pushed, primary first. */
  tags: string[];
  configDigest: string;
  /** Base image manifest digest, when not `scratch`. */
  baseDigest?: string;
  /** How the base layers got into the target repository. */
  baseLayers?: { present: number; mounted: number; copied: number };
}

/**
 * Assembles and pushes an OCI image: base layers reused (present, mounted or
 * copied), new layers uploaded from disk, a config with the build's settings
 * and traceability labels, the manifest under every tag.
 */
export async function buildImage(spec: ImageSpec, context: ImageBuildContext): Promise<PushedImage> {
  const { client } = context;
  const logger = context.logger ?? silentLogger;
  const platform = spec.platform ?? { architecture: 'amd64', os: 'linux' };
  const tags = [spec.tag, ...(spec.extraTags ?? []).filter((t) => t !== spec.tag)];
  if (!spec.revision) throw new ConfigError('image revision (commit sha) is required');

  let base: BaseImage | undefined;
  let baseLayers: PushedImage['baseLayers'];
  if (spec.base !== 'scratch') {
    const baseClient = context.baseClient ?? client;
    if (baseClient.registry !== spec.base.registry) {
      throw new ConfigError(`no client for the base image registry ${spec.base.registry}`);
    }
    base = await readBase(baseClient, spec.base, platform);
    baseLayers = await reuseLayers(base.layers, { client: baseClient, repository: spec.base.repository }, client, spec.repository, logger);
  }

  const layers: Descriptor[] = [];
  for (const layer of spec.layers) {
    await client.pushBlob(spec.repository, { path: layer.path, digest: layer.digest, size: layer.size });
    layers.push({ mediaType: mediaTypes.ociLayerGzip, digest: layer.digest, size: layer.size });
  }

  const history = spec.history ?? spec.layers.map((l, i) => ({ createdBy: l.createdBy ?? `layer ${i + 1}` }));
  const config = Buffer.from(
    JSON.stringify(
      imageConfig({
        ...(base ? { base: base.config } : {}),
        platform,
        settings: spec.settings ?? {},
        revision: spec.revision,
        ...(spec.source ? { source: spec.source } : {}),
        created: spec.created,
        diffIds: spec.layers.map((l) => l.diffId),
        history,
      }),
    ),
  );
  const configBlob = await client.pushBlob(spec.repository, { bytes: config });

  const manifest: ImageManifest = {
    schemaVersion: 2,
    mediaType: mediaTypes.ociManifest,
    config: { mediaType: mediaTypes.ociConfig, digest: configBlob.digest, size: config.length },
    layers: [...(base?.layers ?? []), ...layers],
  };
  if (base) {
    manifest.annotations = {
      'org.opencontainers.image.base.digest': base.digest,
      'org.opencontainers.image.base.name': baseName(base.reference),
    };
  }
  const bytes = Buffer.from(JSON.stringify(manifest));
  const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
  for (const tag of tags) {
    const pushed = await client.putManifest(spec.repository, tag, bytes, mediaTypes.ociManifest);
    if (pushed !== digest) logger.warn({ tag, pushed, digest }, 'registry reported another manifest digest');
  }
  logger.info({ repository: spec.repository, tags, digest }, 'image pushed');
  return {
    reference: `${client.registry}/${spec.repository}:${spec.tag}`,
    repository: spec.repository,
    digest,
    size: bytes.length,
    mediaType: mediaTypes.ociManifest,
    tags,
    configDigest: configBlob.digest,
    ...(base ? { baseDigest: base.digest, baseLayers } : {}),
  };
}

function baseName(reference: ImageReference): string {
  return `${reference.registry}/${reference.repository}${reference.tag ? `:${reference.tag}` : ''}`;
}
