import { existsSync } from 'node:fs';
import { join } from 'node:path';

export type SourceKind = 'kustomize' | 'helm' | 'service' | 'manifests';

export const kustomizationFiles = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];
export const serviceFiles = ['values.yaml', 'release.yaml'];

/** What a folder holds, by the files tools look for: a kustomization wins over a chart, a chart over a values file. */
export function sourceKindOf(dir: string): SourceKind {
  if (kustomizationFiles.some((f) => existsSync(join(dir, f)))) return 'kustomize';
  if (existsSync(join(dir, 'Chart.yaml'))) return 'helm';
  if (serviceFiles.some((f) => existsSync(join(dir, f)))) return 'service';
  return 'manifests';
}
