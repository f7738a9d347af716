import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from '../../core/index.ts';
import type { Descriptor, RegistryClient } from '../oci/types.ts';

export interface TransferSource {
  client: RegistryClient;
  repository: string;
}

/**
 * Makes the base image's layers present in the target repository: nothing
 * when already there, a cross-repository mount on the same registry, else a
 * copy blob by blob through a temp file (layers can be large).
 */
export async function reuseLayers(
  layers: Descriptor[],
  from: TransferSource,
  target: RegistryClient,
  repository: string,
  logger: Logger,
): Promise<{ present: number; mounted: number; copied: number }> {
  const counts = { present: 0, mounted: 0, copied: 0 };
  const sameRegistry = from.client.registry === target.registry;
  for (const layer of layers) {
    // Non-distributable layers are fetched by runtimes from their URLs.
    if (layer.urls?.length) continue;
    if (await target.hasBlob(repository, layer.digest)) {
      counts.present++;
      continue;
    }
    if (sameRegistry && (await target.mountBlob(repository, layer.digest, from.repository))) {
      counts.mounted++;
      continue;
    }
    await copyBlob(layer, from, target, repository);
    counts.copied++;
  }
  logger.debug({ ...counts, from: `${from.client.registry}/${from.repository}` }, 'base layers reused');
  return counts;
}

async function copyBlob(layer: Descriptor, from: TransferSource, target: RegistryClient, repository: string): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'tl-blob-'));
  try {
    const path = join(dir, 'blob');
    await from.client.downloadBlob(from.repository, layer.digest, path);
    await target.pushBlob(repository, { path, digest: layer.digest, size: layer.size });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
