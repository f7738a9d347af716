import { readdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { KubeObject } from '../../artifacts/index.ts';
import type { ScopeOverride } from './cluster-scoped.ts';
import { renderHelm } from './helm.ts';
import { renderKustomize } from './kustomize.ts';
import { manifestFile, readManifestFile } from './manifests.ts';
import { renderServiceFolder } from './service.ts';
import { serviceFiles, sourceKindOf } from './source-kind.ts';
import { track } from './track.ts';

export interface RenderPathOptions {
  /** Destination namespace, given to namespaced objects that name none. */
  namespace: string;
  /** Application name: tracking label/annotation, Helm release and service name. */
  appName: string;
  /** Renderer binaries (default: `kubectl`/`helm` on PATH). */
  kubectl?: string;
  helm?: string;
  /** Scope of kinds the built-in list and the rendered CRDs do not know. */
  scopeOverride?: ScopeOverride;
}

/**
 * A config-repo folder → the objects it declares, tracked for `appName`:
 * a kustomization (`kubectl kustomize`), a Helm chart (`helm template`), a
 * unified-chart service (`values.yaml` + `release.yaml`, plus any extra
 * manifests beside them) or plain manifests. Subfolders of plain manifests
 * that are themselves a kustomization, chart or service render as such.
 */
export async function renderPath(dir: string, options: RenderPathOptions): Promise<KubeObject[]> {
  return track(await renderSource(dir, options.appName, options), options);
}

/** `name`: the Helm release or service; a nested chart or service takes its folder's name. */
async function renderSource(dir: string, name: string, options: RenderPathOptions): Promise<KubeObject[]> {
  switch (sourceKindOf(dir)) {
    case 'kustomize':
      return renderKustomize(dir, options.kubectl);
    case 'helm':
      return renderHelm(dir, { releaseName: name, namespace: options.namespace, helm: options.helm });
    case 'service':
      return [...(await renderServiceFolder(dir, { appName: name, namespace: options.namespace })), ...(await renderFolder(dir, options, serviceFiles))];
    case 'manifests':
      return renderFolder(dir, options, []);
  }
}

async function renderFolder(dir: string, options: RenderPathOptions, skip: readonly string[]): Promise<KubeObject[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const objects: KubeObject[] = [];
  for (const entry of entries) {
    if (entry.name.startsWith('.') || skip.includes(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      objects.push(...(sourceKindOf(path) === 'manifests' ? await renderFolder(path, options, []) : await renderSource(path, basename(path), options)));
    } else if (entry.isFile() && manifestFile.test(entry.name)) {
      objects.push(...(await readManifestFile(path)));
    }
  }
  return objects;
}
