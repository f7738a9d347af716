/**
 * A service's chart as files, laid out as Helm expects under `<name>/`:
 * Chart.yaml, values.yaml (the service's values, defaults applied),
 * values.schema.json and the unified templates.
 */
import { stringify } from 'yaml';
import { ConfigError } from '../../core/index.ts';
import { valuesJsonSchema } from './json-schema.ts';
import { assertServiceName } from './names.ts';
import type { ServiceValues } from './service-values.ts';
import { chartTemplates } from './templates/index.ts';

/** The Chart.yaml fields Trunkline sets; also the OCI config of the pushed chart. */
export interface ChartMetadata {
  apiVersion: 'v2';
  name: string;
  /** `0.1.{build}`. */
  version: string;
  /** The image tag (`{build}-{branch}-{sha8}`). */
  appVersion: string;
  description?: string;
  type: 'application';
}

export interface ChartFile {
  /** Inside the chart folder, e.g. `templates/deployment.yaml`. */
  path: string;
  content: string;
}

const semver = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z-.]+)?(?:\+[0-9A-Za-z-.]+)?$/;

/** `0.1.{build}`: the chart version of a build. */
export function chartVersionOf(build: number): string {
  if (!Number.isSafeInteger(build) || build < 0) throw new ConfigError(`build number ${build}: expected a non-negative integer`);
  return `0.1.${build}`;
}

export function chartMetadata(name: string, version: string, appVersion: string, description?: string): ChartMetadata {
  assertServiceName(name);
  if (!semver.test(version)) throw new ConfigError(`chart version "${version}": expected a semantic version such as 0.1.42`);
  if (!appVersion) throw new ConfigError('chart appVersion: expected the image tag');
  return { apiVersion: 'v2', name, version, appVersion, ...(description ? { description } : {}), type: 'application' };
}

// YAML 1.1 output: Helm reads values as YAML 1.1, so `on`, `yes`, `0755`… get quoted.
const yamlOptions = { version: '1.1', lineWidth: 0 } as const;

export function chartFiles(metadata: ChartMetadata, values: ServiceValues): ChartFile[] {
  return [
    { path: 'Chart.yaml', content: stringify(metadata, yamlOptions) },
    { path: 'values.yaml', content: stringify(values, yamlOptions) },
    { path: 'values.schema.json', content: `${JSON.stringify(valuesJsonSchema(), null, 2)}\n` },
    ...Object.entries(chartTemplates).map(([file, content]) => ({ path: `templates/${file}`, content })),
  ];
}
