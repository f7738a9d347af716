import { ExternalError, NotFoundError } from '../../core/index.ts';
import { mediaTypes, type Descriptor, type ImageReference, type RegistryClient } from '../oci/types.ts';
import {
  imageConfigSchema,
  indexSchema,
  manifestSchema,
  parseRegistryJson,
  type ParsedImageConfig,
} from './schemas.ts';

export interface Platform {
  architecture: string;
  os: string;
}

/** A base image read from its registry: its layers and its config. */
export interface BaseImage {
  reference: ImageReference;
  /** Digest of the platform manifest used. */
  digest: string;
  layers: Descriptor[];
  config: ParsedImageConfig;
}

const indexTypes = new Set<string>([mediaTypes.ociIndex, mediaTypes.dockerManifestList]);

/** Docker's layer types mean the same bytes as OCI's; the new manifest is OCI throughout. */
const layerTypes: Record<string, string> = {
  [mediaTypes.dockerLayerGzip]: mediaTypes.ociLayerGzip,
  'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip': 'application/vnd.oci.image.layer.nondistributable.v1.tar+gzip',
};

/** Reads a base image: an index is resolved to the manifest for `platform`. */
export async function readBase(client: RegistryClient, reference: ImageReference, platform: Platform): Promise<BaseImage> {
  const name = `${reference.registry}/${reference.repository}`;
  let fetched = await client.getManifest(reference.repository, reference.digest ?? reference.tag ?? 'latest');
  if (indexTypes.has(fetched.mediaType)) {
    const index = parseRegistryJson(indexSchema, fetched.bytes, `image index of ${name}`);
    const match = index.manifests.find(
      (m) => m.platform?.os === platform.os && m.platform.architecture === platform.architecture,
    );
    if (!match) {
      const offered = index.manifests.map((m) => `${m.platform?.os}/${m.platform?.architecture}`).join(', ');
      throw new NotFoundError(`base image ${name} has no ${platform.os}/${platform.architecture} manifest (it has ${offered})`);
    }
    fetched = await client.getManifest(reference.repository, match.digest);
  }
  const manifest = parseRegistryJson(manifestSchema, fetched.bytes, `manifest of ${name}`);
  const configBytes = await client.getBlob(reference.repository, manifest.config.digest);
  const config = parseRegistryJson(imageConfigSchema, configBytes, `image config of ${name}`);
  if (config.rootfs.diff_ids.length !== manifest.layers.length) {
    throw new ExternalError(`base image ${name}: ${manifest.layers.length} layers but ${config.rootfs.diff_ids.length} diff_ids`);
  }
  const layers = manifest.layers.map((layer): Descriptor => {
    const descriptor: Descriptor = { mediaType: layerTypes[layer.mediaType] ?? layer.mediaType, digest: layer.digest, size: layer.size };
    if (layer.urls) descriptor.urls = layer.urls;
    if (layer.annotations) descriptor.annotations = layer.annotations;
    return descriptor;
  });
  return { reference, digest: fetched.digest, layers, config };
}
