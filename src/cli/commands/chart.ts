import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { chartVersionOf, mediaTypes, packageChart, parseValues, pushChart } from '../../artifacts/index.ts';
import type { ApiClient } from '../client.ts';
import { recordArtifact, registryClient, stepContext } from '../step-context.ts';

export interface ChartOptions {
  name?: string;
  version?: string;
  appVersion?: string;
  output: string;
  push: boolean;
  repository?: string;
  registry?: string;
  username?: string;
  passwordEnv?: string;
}

/**
 * `trunkline chart package VALUES`: the unified service chart with this
 * service's values, versioned `0.1.{build}` with the image tag as
 * `appVersion`, written as `<name>-<version>.tgz` and, with `--push`,
 * pushed to the registry as an OCI artifact and recorded on the build.
 */
export async function chartPackageCommand(api: ApiClient, valuesFile: string, options: ChartOptions): Promise<void> {
  const values = parseValues(await readFile(valuesFile, 'utf8'), valuesFile);
  const build = process.env.DRONE_BUILD_NUMBER;
  const name = options.name ?? process.env.DRONE_REPO_NAME;
  const version = options.version ?? (build ? chartVersionOf(Number(build)) : undefined);
  const appVersion = options.appVersion ?? process.env.TRUNKLINE_IMAGE_TAG;
  if (!name) throw new Error('no chart name: pass --name (inside a pipeline DRONE_REPO_NAME is used)');
  if (!version) throw new Error('no chart version: pass --version (inside a pipeline 0.1.$DRONE_BUILD_NUMBER is used)');
  if (!appVersion) throw new Error('no app version: pass --app-version (inside a pipeline TRUNKLINE_IMAGE_TAG is used)');

  const chart = await packageChart(values, { name, version, appVersion });
  await mkdir(options.output, { recursive: true });
  const path = join(options.output, chart.fileName);
  await writeFile(path, chart.tgz);
  process.stdout.write(`packaged ${path} (${name} ${version}, app ${appVersion})\n`);
  if (!options.push) return;

  const context = stepContext(options);
  const repository = options.repository ?? `charts/${name}`;
  const digest = await pushChart(registryClient(context), repository, chart.tgz, chart.metadata);
  process.stdout.write(`pushed oci://${context.registry}/${repository}:${version}\ndigest ${digest}\n`);
  await recordArtifact(api, context, {
    kind: 'chart',
    reference: `${context.registry}/${repository}`,
    digest,
    tags: [version],
    mediaType: mediaTypes.ociManifest,
    size: chart.tgz.length,
  });
}
