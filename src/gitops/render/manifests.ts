import { readFile } from 'node:fs/promises';
import type { KubeObject } from '../../artifacts/index.ts';
import { parseManifests } from './parse-manifests.ts';

export const manifestFile = /\.(ya?ml|json)$/i;

export async function readManifestFile(path: string): Promise<KubeObject[]> {
  return parseManifests(await readFile(path, 'utf8'), path);
}
