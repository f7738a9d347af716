import { mediaTypes, type ImageIndex, type ImageManifest } from '../types.ts';
import { digestOf } from './digest.ts';

/** A small OCI image (config + one layer) as bytes, for tests. */
export function sampleImage(seed: string): { config: Buffer; layer: Buffer; manifest: Buffer; manifestDigest: string } {
  const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', config: { Labels: { seed } }, rootfs: { type: 'layers', diff_ids: [] } }));
  const layer = Buffer.from(`layer ${seed}\n`.repeat(100));
  const manifest: ImageManifest = {
    schemaVersion: 2,
    mediaType: mediaTypes.ociManifest,
    config: { mediaType: mediaTypes.ociConfig, digest: digestOf(config), size: config.length },
    layers: [{ mediaType: mediaTypes.ociLayer, digest: digestOf(layer), size: layer.length }],
  };
  const bytes = Buffer.from(JSON.stringify(manifest));
  return { config, layer, manifest: bytes, manifestDigest: digestOf(bytes) };
}

export function indexOf(entries: { digest: string; size: number }[]): Buffer {
  const index: ImageIndex = {
    schemaVersion: 2,
    mediaType: mediaTypes.ociIndex,
    manifests: entries.map((entry) => ({ mediaType: mediaTypes.ociManifest, ...entry, platform: { architecture: 'amd64', os: 'linux' } })),
  };
  return Buffer.from(JSON.stringify(index));
}
