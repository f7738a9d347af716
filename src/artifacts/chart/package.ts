/**
 * The chart as `<name>-<version>.tgz`, laid out like `helm package` does
 * (`<name>/Chart.yaml`, …) but byte-for-byte reproducible: fixed order,
 * modes, owners and mtimes, so the same build gives the same digest.
 */
import { gzipSync } from 'node:zlib';
import { pack } from 'tar-stream';
import { chartFiles, chartMetadata } from './chart-files.ts';
import type { ChartMetadata } from './chart-files.ts';
import type { ServiceValues } from './service-values.ts';

export interface PackageOptions {
  name: string;
  /** `0.1.{build}`. */
  version: string;
  /** The image tag. */
  appVersion: string;
  description?: string;
  /** mtime of every entry; defaults to the Unix epoch. */
  mtime?: Date;
}

export interface PackagedChart {
  metadata: ChartMetadata;
  /** `<name>-<version>.tgz`. */
  fileName: string;
  tgz: Buffer;
}

export async function packageChart(values: ServiceValues, options: PackageOptions): Promise<PackagedChart> {
  const metadata = chartMetadata(options.name, options.version, options.appVersion, options.description);
  const mtime = options.mtime ?? new Date(0);
  const archive = pack();
  const chunks: Buffer[] = [];
  archive.on('data', (chunk: unknown) => {
    chunks.push(chunk as Buffer);
  });
  const done = new Promise<void>((resolve, reject) => {
    archive.on('end', resolve);
    archive.on('error', reject);
  });
  for (const file of chartFiles(metadata, values)) {
    archive.entry({ name: `${metadata.name}/${file.path}`, mode: 0o644, mtime, uid: 0, gid: 0, uname: '', gname: '', type: 'file' }, file.content);
  }
  archive.finalize();
  await done;
  const tgz = gzipSync(Buffer.concat(chunks), { level: 9 });
  return { metadata, fileName: `${metadata.name}-${metadata.version}.tgz`, tgz };
}
