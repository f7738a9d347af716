/**
 * Pushes a packaged chart as Helm stores charts in OCI registries: config
 * `application/vnd.cncf.helm.config.v1+json` (Chart.yaml as JSON), one layer
 * `application/vnd.cncf.helm.chart.content.v1.tar+gzip` (the .tgz), the
 * `org.opencontainers.image.*` annotations Helm writes, tagged with the
 * chart version (`+` becomes `_`, as Helm does). Returns the manifest digest.
 */
import { mediaTypes } from '../oci/types.ts';
import type { ImageManifest, RegistryClient } from '../oci/types.ts';
import type { ChartMetadata } from './chart-files.ts';

export interface PushOptions {
  /** `org.opencontainers.image.created`; left out when not given, to keep the digest reproducible. */
  created?: Date;
}

export async function pushChart(client: RegistryClient, repository: string, tgz: Buffer, metadata: ChartMetadata, options: PushOptions = {}): Promise<string> {
  // Field order and omissions of Helm's Go struct, so the config reads like Helm's own.
  const config = Buffer.from(
    JSON.stringify({
      name: metadata.name,
      version: metadata.version,
      ...(metadata.description ? { description: metadata.description } : {}),
      apiVersion: metadata.apiVersion,
      appVersion: metadata.appVersion,
      type: metadata.type,
    }),
  );
  const configBlob = await client.pushBlob(repository, { bytes: config });
  const chartBlob = await client.pushBlob(repository, { bytes: tgz });
  const manifest: ImageManifest = {
    schemaVersion: 2,
    mediaType: mediaTypes.ociManifest,
    config: { mediaType: mediaTypes.helmConfig, digest: configBlob.digest, size: configBlob.size },
    layers: [{ mediaType: mediaTypes.helmChart, digest: chartBlob.digest, size: chartBlob.size }],
    annotations: {
      ...(metadata.description ? { 'org.opencontainers.image.description': metadata.description } : {}),
      'org.opencontainers.image.title': metadata.name,
      'org.opencontainers.image.version': metadata.version,
      ...(options.created ? { 'org.opencontainers.image.created': options.created.toISOString().replace(/\.\d{3}Z$/, 'Z') } : {}),
    },
  };
  const tag = metadata.version.replaceAll('+', '_');
  return client.putManifest(repository, tag, Buffer.from(JSON.stringify(manifest)), mediaTypes.ociManifest);
}
