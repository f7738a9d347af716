import type { KubeObject } from '../../artifacts/index.ts';
import { parseManifests } from './parse-manifests.ts';
import { runTool } from './run-tool.ts';

/** `kubectl kustomize <dir>`: kustomize as kubectl embeds it, so no separate binary is needed. */
export async function renderKustomize(dir: string, kubectl = 'kubectl'): Promise<KubeObject[]> {
  const out = await runTool(kubectl, ['kustomize', dir], dir);
  return parseManifests(out, `${dir} (kubectl kustomize)`);
}
