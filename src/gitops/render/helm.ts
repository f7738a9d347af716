import type { KubeObject } from '../../artifacts/index.ts';
import { parseManifests } from './parse-manifests.ts';
import { runTool } from './run-tool.ts';

/**
 * `helm template` of a chart folder with its own values.yaml, released as
 * the application; CRDs from `crds/` included since the sync applies them.
 */
export async function renderHelm(dir: string, options: { releaseName: string; namespace: string; helm?: string }): Promise<KubeObject[]> {
  const out = await runTool(options.helm ?? 'helm', ['template', options.releaseName, dir, '--namespace', options.namespace, '--include-crds'], dir);
  return parseManifests(out, `${dir} (helm template)`);
}
