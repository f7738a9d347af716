/**
 * Config repositories as the controller reads them: one bare mirror per
 * repository, a revision resolved to a commit, and the objects an
 * application's folder renders to at that commit — cached per (app,
 * commit) so an unchanged revision is never rendered twice.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ConfigError, ExternalError, messageOf } from '../../core/index.ts';
import { Mirror, git, resolveCommit } from '../../git/index.ts';
import type { KubeObject } from '../../kube/index.ts';
import { renderPath } from '../render/index.ts';

const run = promisify(execFile);

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
  /** Per (repository, commit): each folder's tree id, and the folders holding a kustomization. */
  readonly #trees = new Map<string, Promise<{ trees: Map<string, string>; kustomized: Set<string> }>>();

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
    return resolveCommit(mirror.path, revision);
  }

  /**
   * The tracked objects of the app's folder at `commit`, cached by the
   * folder's own tree id: a commit that changes one application re-renders
   * that one only. A kustomization may read files outside its folder
   * (`../base`), so it is cached by commit.
   */
  async render(request: RenderRequest): Promise<KubeObject[]> {
    const { trees, kustomized } = await this.#treesAt(request.repoUrl, request.commit);
    const folder = request.path.replace(/^\/+|\/+$/g, '');
    const tree = kustomized.has(folder) ? undefined : trees.get(folder);
    const key = [request.appName, request.repoUrl, folder, request.namespace, tree ?? request.commit].join('\0');
    let rendered = this.#rendered.get(key);
    if (!rendered) {
      rendered = this.#render(request);
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

  #treesAt(repoUrl: string, commit: string): Promise<{ trees: Map<string, string>; kustomized: Set<string> }> {
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

  async #listTrees(repoUrl: string, commit: string): Promise<{ trees: Map<string, string>; kustomized: Set<string> }> {
    const mirror = this.#mirror(repoUrl);
    const { stdout } = await git(['ls-tree', '-r', '-t', '-z', commit], { cwd: mirror.path });
    const trees = new Map<string, string>();
    const kustomized = new Set<string>();
    trees.set('', (await git(['rev-parse', `${commit}^{tree}`], { cwd: mirror.path })).stdout.trim());
    for (const entry of stdout.split('\0')) {
      const tab = entry.indexOf('\t');
      if (tab < 0) continue;
      const [, type, id] = entry.slice(0, tab).split(' ');
      const path = entry.slice(tab + 1);
      if (type === 'tree' && id) trees.set(path, id);
      const slash = path.lastIndexOf('/');
      if (/^[Kk]ustomization\.ya?ml$|^Kustomization$/.test(path.slice(slash + 1))) kustomized.add(slash < 0 ? '' : path.slice(0, slash));
    }
    return { trees, kustomized };
  }

  async #render(request: RenderRequest): Promise<KubeObject[]> {
    const mirror = this.#mirror(request.repoUrl);
    const path = request.path.replace(/^\/+|\/+$/g, '');
    if (path.split('/').some((s) => s === '..')) throw new ConfigError(`application path "${request.path}" leaves the repository`);
    const dir = await mkdtemp(join(tmpdir(), 'trunkline-render-'));
    try {
      const archive = join(dir, 'tree.tar');
      const { code, stderr } = await git(['archive', '--format=tar', '-o', archive, request.commit, ...(path ? ['--', path] : [])], { cwd: mirror.path, okCodes: [128] });
      if (code !== 0) throw new ConfigError(`"${path}" does not exist at ${request.commit.slice(0, 8)} of ${request.repoUrl}: ${stderr.trim()}`, { path });
      const tree = join(dir, 'tree');
      await run('mkdir', ['-p', tree]);
      try {
        await run('tar', ['-xf', archive, '-C', tree]);
      } catch (error) {
        throw new ExternalError(`could not unpack ${request.repoUrl} at ${request.commit.slice(0, 8)}: ${messageOf(error)}`);
      }
      const objects = await renderPath(path ? join(tree, path) : tree, {
        namespace: request.namespace,
        appName: request.appName,
        kubectl: this.#options.kubectl,
        helm: this.#options.helm,
      });
      return objects as KubeObject[];
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
}
