/**
 * Config repositories as the controller reads them: one bare mirror per
 * repository, a revision resolved to a commit, and the objects an
 * application's folder renders to at that commit — cached per (app,
 * commit) so an unchanged revision is never rendered twice. Revisions
 * resolve once per fetch, and folders rendered together are unpacked
 * together.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { ConfigError } from '../../core/index.ts';
import { Mirror, git, resolveCommit } from '../../git/index.ts';
import type { KubeObject } from '../../kube/index.ts';
import { renderPath } from '../render/index.ts';
import { FolderExtractor } from './extract.ts';

export interface RenderRequest {
  appName: string;
  repoUrl: string;
  path: string;
  namespace: string;
  /** A commit sha (resolve it first). */
  commit: string;
}

export interface ConfigSourcesOptions {
  /** Where mirrors live. */
  dir: string;
  /** Built-in `namespace/name` → the bare repository's path; other sources are URLs or paths. */
  resolveRepo?: (repoUrl: string) => string | undefined;
  kubectl?: string;
  helm?: string;
  /** How many rendered (app, commit) results to keep. */
  cacheSize?: number;
}

const builtInName = /^[A-Za-z0-9][\w.-]*\/[A-Za-z0-9][\w.-]*$/;

export class ConfigSources {
  readonly #options: ConfigSourcesOptions;
  readonly #mirrors = new Map<string, Mirror>();
  readonly #fetched = new Map<string, Promise<void>>();
  readonly #rendered = new Map<string, Promise<KubeObject[]>>();
  /** Per (repository, commit): each folder's tree id, every path, and the folders holding a kustomization. */
  readonly #trees = new Map<string, Promise<TreeListing>>();
  /** Per mirror: revision → commit, as of the last fetch (cleared by the next). */
  readonly #resolved = new Map<string, Map<string, Promise<string>>>();
  readonly #extractor = new FolderExtractor();

  constructor(options: ConfigSourcesOptions) {
    this.#options = options;
  }

  /** The remote git reads: a built-in repository's path, else the URL or path as given. */
  remoteOf(repoUrl: string): string {
    if (builtInName.test(repoUrl) && !repoUrl.startsWith('.')) {
      const path = this.#options.resolveRepo?.(repoUrl);
      if (path) return path;
    }
    return repoUrl;
  }

  #mirror(repoUrl: string): Mirror {
    const remote = this.remoteOf(repoUrl);
    let mirror = this.#mirrors.get(remote);
    if (!mirror) {
      const id = createHash('sha256').update(remote).digest('hex').slice(0, 20);
      mirror = new Mirror(remote, join(this.#options.dir, `${id}.git`));
      this.#mirrors.set(remote, mirror);
    }
    return mirror;
  }

  /** Fetches the repository now (after a push or webhook, or the periodic resync). */
  async refresh(repoUrl: string): Promise<void> {
    const mirror = this.#mirror(repoUrl);
    const pending = mirror.update();
    // Registered first: callers waiting on the fetch resolve revisions afresh.
    const forget = () => this.#resolved.delete(mirror.path);
    pending.then(forget, forget);
    this.#fetched.set(mirror.path, pending.catch(() => {}));
    await pending;
  }

  /** Whether `repoUrl` names the same repository as `other` (a URL, path or built-in name). */
  sameRepo(repoUrl: string, other: string): boolean {
    return this.remoteOf(repoUrl) === this.remoteOf(other) || repoUrl === other;
  }

  /** The commit `revision` names in the mirror (fetched once on first use). */
  async resolve(repoUrl: string, revision: string): Promise<string> {
    const mirror = this.#mirror(repoUrl);
    let fetched = this.#fetched.get(mirror.path);
    if (!fetched) {
      fetched = mirror.update();
      this.#fetched.set(mirror.path, fetched.catch(() => {}));
    }
    await fetched;
    let known = this.#resolved.get(mirror.path);
    if (!known) this.#resolved.set(mirror.path, (known = new Map()));
    const cache = known;
    let commit = cache.get(revision);
    if (!commit) {
      commit = resolveCommit(mirror.path, revision);
      cache.set(revision, commit);
      commit.catch(() => {
        if (cache.get(revision) === commit) cache.delete(revision);
      });
    }
    return commit;
  }

  /**
   * The tracked objects of the app's folder at `commit`, cached by the
   * folder's own tree id: a commit that changes one application re-renders
   * that one only. A kustomization may read files outside its folder
   * (`../base`), so it is cached by commit.
   */
  async render(request: RenderRequest): Promise<KubeObject[]> {
    const folder = request.path.replace(/^\/+|\/+$/g, '');
    if (folder.split('/').some((s) => s === '..')) throw new ConfigError(`application path "${request.path}" leaves the repository`);
    const listing = await this.#treesAt(request.repoUrl, request.commit);
    const tree = listing.kustomized.has(folder) ? undefined : listing.trees.get(folder);
    const key = [request.appName, request.repoUrl, folder, request.namespace, tree ?? request.commit].join('\0');
    let rendered = this.#rendered.get(key);
    if (!rendered) {
      rendered = this.#render(request, folder, listing);
      this.#rendered.set(key, rendered);
      rendered.catch(() => this.#rendered.delete(key));
      const limit = this.#options.cacheSize ?? 2000;
      while (this.#rendered.size > limit) {
        const oldest = this.#rendered.keys().next().value;
        if (oldest === undefined) break;
        this.#rendered.delete(oldest);
      }
    } else {
      // Most recently used last.
      this.#rendered.delete(key);
      this.#rendered.set(key, rendered);
    }
    return rendered;
  }

  #treesAt(repoUrl: string, commit: string): Promise<TreeListing> {
    const key = `${repoUrl}\0${commit}`;
    let listing = this.#trees.get(key);
    if (!listing) {
      listing = this.#listTrees(repoUrl, commit);
      this.#trees.set(key, listing);
      listing.catch(() => this.#trees.delete(key));
      while (this.#trees.size > 16) this.#trees.delete(this.#trees.keys().next().value as string);
    }
    return listing;
  }

  async #listTrees(repoUrl: string, commit: string): Promise<TreeListing> {
    const mirror = this.#mirror(repoUrl);
    const { stdout } = await git(['ls-tree', '-r', '-t', '-z', commit], { cwd: mirror.path });
    const trees = new Map<string, string>();
    const paths = new Set<string>();
    const kustomized = new Set<string>();
    trees.set('', (await git(['rev-parse', `${commit}^{tree}`], { cwd: mirror.path })).stdout.trim());
    for (const entry of stdout.split('\0')) {
      const tab = entry.indexOf('\t');
      if (tab < 0) continue;
      const [, type, id] = entry.slice(0, tab).split(' ');
      const path = entry.slice(tab + 1);
      paths.add(path);
      if (type === 'tree' && id) trees.set(path, id);
      const slash = path.lastIndexOf('/');
      if (/^[Kk]ustomization\.ya?ml$|^Kustomization$/.test(path.slice(slash + 1))) kustomized.add(slash < 0 ? '' : path.slice(0, slash));
    }
    return { trees, paths, kustomized };
  }

  async #render(request: RenderRequest, path: string, listing: TreeListing): Promise<KubeObject[]> {
    const mirror = this.#mirror(request.repoUrl);
    if (path !== '' && !listing.paths.has(path)) {
      throw new ConfigError(`"${path}" does not exist at ${request.commit.slice(0, 8)} of ${request.repoUrl}`, { path });
    }
    return this.#extractor.with(mirror.path, request.commit, path, async (root) => {
      const objects = await renderPath(path ? join(root, path) : root, {
        namespace: request.namespace,
        appName: request.appName,
        kubectl: this.#options.kubectl,
        helm: this.#options.helm,
      });
      return objects as KubeObject[];
    });
  }
}

interface TreeListing {
  /** Folder → tree id ('' is the root). */
  trees: Map<string, string>;
  /** Every file and folder path. */
  paths: Set<string>;
  kustomized: Set<string>;
}
