/**
 * A service's folder in the preview, derived from the `from` environment's
 * (`environments/<from>/<service>/` → `environments/<preview>/<service>/`):
 * every file copied, the ingress host patched (see ingress.ts), and
 * `release.yaml` naming the branch's image (and chart). Recomputed from the
 * tip on each release, so staging's later changes reach the preview too and
 * a retried push redoes the same edit.
 */
import { ConfigError } from '../../core/index.ts';
import { parseRelease, RELEASE_FILE, renderRelease, serviceFolder } from '../../gitops/index.ts';
import type { ConfigRepository, Release, TreeEntry } from '../../gitops/index.ts';
import { patchManifestHosts, patchValuesHost } from './ingress.ts';

export interface PreviewRelease {
  service: string;
  image: { tag: string; repository?: string };
  chart?: { version: string; repository?: string };
}

export interface FolderRequest extends PreviewRelease {
  from: string;
  preview: string;
  host: string | undefined;
}

export async function previewFolderEntries(repo: ConfigRepository, base: string | undefined, request: FolderRequest): Promise<TreeEntry[]> {
  const source = serviceFolder(request.from, request.service);
  const target = serviceFolder(request.preview, request.service);
  const sourceFiles = base ? await repo.files(base, source) : [];
  if (!base || sourceFiles.length === 0) {
    throw new ConfigError(`${source}/ does not exist in the config repository: a preview starts from the ${request.from} environment's folder of ${request.service}`, { folder: source });
  }
  const isChart = sourceFiles.some((f) => f.path === `${source}/Chart.yaml`);
  const entries: TreeEntry[] = [];
  const written = new Set<string>();
  let sourceRelease: string | undefined;
  for (const file of sourceFiles) {
    const relative = file.path.slice(source.length + 1);
    if (relative === RELEASE_FILE) {
      sourceRelease = await repo.readFile(base, file.path);
      continue;
    }
    const path = `${target}/${relative}`;
    written.add(path);
    if (file.mode !== '100644' && file.mode !== '100755') {
      entries.push({ path, mode: file.mode, sha: file.sha });
      continue;
    }
    const text = (await repo.readFile(base, file.path)) ?? '';
    const patched = patchFile(relative, text, request.host, isChart);
    entries.push({ path, mode: file.mode, sha: patched === text ? file.sha : await repo.writeBlob(patched) });
  }
  const releasePath = `${target}/${RELEASE_FILE}`;
  written.add(releasePath);
  entries.push({ path: releasePath, mode: '100644', sha: await repo.writeBlob(renderRelease(nextRelease(releasePath, sourceRelease, request))) });
  // Files staging dropped since the last release leave the preview too.
  for (const file of await repo.files(base, target)) if (!written.has(file.path)) entries.push({ path: file.path, remove: true });
  return entries;
}

function patchFile(relative: string, text: string, host: string | undefined, isChart: boolean): string {
  if (host === undefined || isChart || relative.includes('/') || !/\.ya?ml$/.test(relative)) return text;
  if (relative === 'values.yaml') return patchValuesHost(text, host);
  if (relative === 'kustomization.yaml' || relative === 'kustomization.yml') return text;
  return patchManifestHosts(text, host);
}

function nextRelease(path: string, sourceText: string | undefined, request: PreviewRelease): Release {
  const source = sourceText === undefined ? undefined : parseRelease(sourceText, path);
  const repository = request.image.repository ?? source?.image.repository;
  if (!repository) throw new ConfigError(`${path}: the ${request.service} release names no image repository and staging has none to start from`, { file: path });
  const release: Release = { image: { repository, tag: request.image.tag } };
  const chartRepository = request.chart?.repository ?? source?.chart?.repository;
  const chartVersion = request.chart?.version ?? source?.chart?.version;
  if (chartRepository && chartVersion) release.chart = { repository: chartRepository, version: chartVersion };
  parseRelease(renderRelease(release), path);
  return release;
}

/** Every file of the preview's folder, removed. */
export async function previewFolderRemoval(repo: ConfigRepository, base: string | undefined, preview: string): Promise<TreeEntry[]> {
  if (!base) return [];
  const folder = `environments/${preview}`;
  return (await repo.files(base, folder)).map((file) => ({ path: file.path, remove: true }));
}
