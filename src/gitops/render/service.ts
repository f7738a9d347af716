/**
 * A service folder (`environments/<env>/<service>/` in the config repo, see
 * src/gitops/writeback/LAYOUT.md): `values.yaml` for the unified chart and
 * `release.yaml`, the version file write-back edits (`image.repository`,
 * `image.tag`, optional `chart.version`), which wins over the values.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { ConfigError, parseYamlWith } from '../../core/index.ts';
import { parseValues, renderService } from '../../artifacts/index.ts';
import type { KubeObject } from '../../artifacts/index.ts';

/** Loose on purpose: write-back owns the file's exact shape; render needs only these. */
const releaseSchema = z.looseObject({
  chart: z.looseObject({ version: z.string().min(1).optional() }).optional(),
  image: z.looseObject({ repository: z.string().min(1).optional(), tag: z.string().min(1).optional() }).optional(),
});

type Release = z.output<typeof releaseSchema>;

/** Chart version when the folder pins none: the unified chart is built in, so any version renders the same objects. */
const unpinnedChart = '0.0.0';

async function readRelease(dir: string): Promise<Release> {
  const file = join(dir, 'release.yaml');
  return existsSync(file) ? parseYamlWith(await readFile(file, 'utf8'), file, releaseSchema) : {};
}

/** values.yaml with release.yaml's image applied in place (so positions in errors still point into values.yaml). */
async function readValuesText(dir: string, release: Release): Promise<string> {
  const file = join(dir, 'values.yaml');
  const text = existsSync(file) ? await readFile(file, 'utf8') : '';
  if (release.image?.repository === undefined && release.image?.tag === undefined) return text;
  const doc = parseDocument(text);
  if (doc.errors.length > 0) return text;
  if (release.image.repository !== undefined) doc.setIn(['image', 'repository'], release.image.repository);
  if (release.image.tag !== undefined) doc.setIn(['image', 'tag'], release.image.tag);
  return doc.toString();
}

export async function renderServiceFolder(dir: string, options: { appName: string; namespace: string }): Promise<KubeObject[]> {
  const release = await readRelease(dir);
  const file = join(dir, 'values.yaml');
  const values = parseValues(await readValuesText(dir, release), file);
  const appVersion = values.image.tag;
  if (appVersion === undefined) {
    throw new ConfigError(`${file}: image.tag: no image tag (set image.tag in release.yaml or values.yaml)`, { file });
  }
  return renderService(options.appName, values, { namespace: options.namespace, chartVersion: release.chart?.version ?? unpinnedChart, appVersion });
}
