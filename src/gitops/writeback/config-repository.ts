import { mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { ConflictError, ExternalError, newId, silentLogger } from '../../core/index.ts';
import type { Logger } from '../../core/index.ts';
import { changedFiles, git, readFileAt, resolveCommit } from '../../git/index.ts';
import { backoffDelay, defaultRetry } from './backoff.ts';
import type { RetryPolicy } from './backoff.ts';
import { identityEnv } from './identity.ts';
import type { Identity } from './identity.ts';
import { pushOutcome } from './push-result.ts';

export interface Credentials {
  username: string;
  password: string;
}

export interface ConfigRepositoryOptions {
  /** URL or path of the config repository. */
  remote: string;
  /** Where the local copy lives (a bare repository Trunkline owns). */
  workdir: string;
  /** The branch environments follow; `main` unless told. */
  branch?: string;
  /** For HTTP remotes: sent as a header on each fetch and push, never stored. */
  credentials?: Credentials;
  logger?: Logger;
  retry?: Partial<RetryPolicy>;
  /** Source of jitter, in [0, 1). */
  random?: () => number;
}

/** One file of the next tree: a blob at a path (mode `100644`…), or the path removed. */
export type TreeEntry = { path: string; mode: string; sha: string } | { path: string; remove: true };

export interface PendingCommit {
  message: string;
  /** Start from this tree-ish instead of the base commit's tree (a whole-repository restore). */
  from?: string;
  entries: TreeEntry[];
}

export interface CommitRequest {
  identity: Identity;
  /**
   * The change, computed from the fetched tip `base` (undefined in an empty
   * repository). Called again on the new tip after a lost race, so it must
   * derive everything from `base`; undefined means nothing to do.
   */
  edit: (base: string | undefined) => Promise<PendingCommit | undefined>;
  /** Push to this new branch instead of the followed one (review mode); it is never retried onto. */
  pushBranch?: string;
  /** For this change only, instead of the repository's own (a pipeline's short-lived token). */
  credentials?: Credentials;
}

export interface CommitOutcome {
  /** The new commit, or the tip that already had the change. */
  commit: string | undefined;
  /** The tip the change was made on. */
  base: string | undefined;
  /** Paths the commit changed; empty for a no-op. */
  changed: string[];
  attempts: number;
}

/**
 * A config repository as write-back sees it: a local bare copy where each
 * change is built from the remote's current tip with git's plumbing (a
 * private index, no working tree a crash could leave dirty) and pushed
 * without force. Changes through one instance run one at a time; across
 * processes, a lost push race is fetched and redone with jittered backoff.
 */
export class ConfigRepository {
  readonly remote: string;
  readonly workdir: string;
  readonly branch: string;
  private readonly auth: string[];
  private readonly logger: Logger;
  private readonly retry: RetryPolicy;
  private readonly random: () => number;
  private tail: Promise<unknown> = Promise.resolve();
  private ready: Promise<void> | undefined;
  private readonly blobs = new Map<string, string>();

  constructor(options: ConfigRepositoryOptions) {
    this.remote = options.remote;
    this.workdir = options.workdir;
    this.branch = options.branch ?? 'main';
    this.auth = authArgs(options.credentials);
    this.logger = options.logger ?? silentLogger;
    this.retry = { ...defaultRetry, ...options.retry };
    this.random = options.random ?? Math.random;
  }

  /** Makes one commit (or none) on the remote, serialised with this instance's other changes. */
  commit(request: CommitRequest): Promise<CommitOutcome> {
    const run = this.tail.then(() => this.commitWithRetry(request));
    this.tail = run.catch(() => {});
    return run;
  }

  /** Runs `task` after the pending changes, with the local copy up to date with the followed branch. */
  read<T>(task: (tip: string | undefined) => Promise<T>, credentials?: Credentials): Promise<T> {
    const run = this.tail.then(async () => task((await this.fetchTip(credentials ? authArgs(credentials) : this.auth))?.commit));
    this.tail = run.catch(() => {});
    return run;
  }

  readFile(commit: string, path: string): Promise<string | undefined> {
    return readFileAt(this.workdir, commit, path);
  }

  resolve(rev: string): Promise<string> {
    return resolveCommit(this.workdir, rev);
  }

  async isAncestor(ancestor: string, commit: string): Promise<boolean> {
    const { code } = await git(['merge-base', '--is-ancestor', ancestor, commit], { cwd: this.workdir, okCodes: [1] });
    return code === 0;
  }

  /** Files (blobs and submodules) at `commit` under `path` (a folder or file; everything when empty). */
  async files(commit: string, path: string): Promise<Array<{ path: string; mode: string; sha: string }>> {
    const { stdout } = await git(['ls-tree', '-r', '-z', '--full-tree', commit, ...(path ? ['--', path] : [])], { cwd: this.workdir });
    return stdout
      .split('\0')
      .filter((line) => line !== '')
      .map((line) => {
        const [meta = '', file = ''] = line.split('\t');
        const [mode = '', , sha = ''] = meta.split(' ');
        return { path: file, mode, sha };
      })
      .filter((entry) => !path || entry.path === path || entry.path.startsWith(`${path}/`));
  }

  /** Commits between `from` (excluded) and `to` that touched `path`, newest first. */
  async log(from: string, to: string, path: string): Promise<Array<{ sha: string; subject: string }>> {
    const { stdout } = await git(['log', '--format=%H%x00%s', `${from}..${to}`, ...(path ? ['--', path] : [])], { cwd: this.workdir });
    return stdout
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => {
        const [sha = '', subject = ''] = line.split('\0');
        return { sha, subject };
      });
  }

  /** Stores `content` as a blob; an edit redone after a lost race usually writes the same content again, so the change's blobs are remembered. */
  async writeBlob(content: string): Promise<string> {
    const known = this.blobs.get(content);
    if (known) return known;
    const sha = await this.hashBlob(content);
    this.blobs.set(content, sha);
    return sha;
  }

  private async hashBlob(content: string): Promise<string> {
    const file = join(this.workdir, `trunkline-blob-${newId()}`);
    await writeFile(file, content);
    try {
      const { stdout } = await git(['hash-object', '-w', '--no-filters', file], { cwd: this.workdir });
      return stdout.trim();
    } finally {
      await rm(file, { force: true });
    }
  }

  private async commitWithRetry(request: CommitRequest): Promise<CommitOutcome> {
    const target = request.pushBranch ?? this.branch;
    const auth = request.credentials ? authArgs(request.credentials) : this.auth;
    // Remembered only within one change: housekeeping may prune blobs no commit kept.
    this.blobs.clear();
    for (let attempt = 1; ; attempt++) {
      const tip = await this.fetchTip(auth);
      const base = tip?.commit;
      const pending = await request.edit(base);
      const made = pending && (await this.makeCommit(tip, pending, request.identity));
      if (!made) return { commit: base, base, changed: [], attempts: attempt };
      const outcome = await this.push(made, target, auth);
      if (outcome.kind === 'pushed') {
        return { commit: made, base, changed: await changedFiles(this.workdir, base, made), attempts: attempt };
      }
      if (outcome.kind === 'refused' || target !== this.branch) {
        throw new ConflictError(`the config repository refused the push to ${target}: ${outcome.reason}`, { remote: this.remote, branch: target });
      }
      if (attempt >= this.retry.attempts) {
        throw new ConflictError(`the push to ${target} lost ${attempt} races with other writers; giving up`, { remote: this.remote, branch: target });
      }
      this.logger.debug({ branch: target, attempt, reason: outcome.reason }, 'config push lost a race; redoing the change on the new tip');
      await delay(backoffDelay(this.retry, attempt, this.random));
    }
  }

  /** The remote tip of the followed branch, fetched into the local copy; undefined when the branch does not exist yet. */
  private async fetchTip(auth: string[]): Promise<{ commit: string; tree: string } | undefined> {
    await this.ensureLocalCopy();
    const tracking = `refs/remotes/origin/${this.branch}`;
    const { code, stderr } = await git([...auth, 'fetch', '--no-tags', '--quiet', this.remote, `+refs/heads/${this.branch}:${tracking}`], {
      cwd: this.workdir,
      okCodes: [1, 128],
    });
    if (code !== 0) {
      if (!/couldn't find remote ref/i.test(stderr)) {
        throw new ExternalError(`git fetch of the config repository failed: ${stderr.trim() || `exit ${code}`}`, { remote: this.remote });
      }
      await git(['update-ref', '-d', tracking], { cwd: this.workdir });
      return undefined;
    }
    const { stdout } = await git(['rev-parse', `${tracking}^{commit}`, `${tracking}^{tree}`], { cwd: this.workdir });
    const [commit = '', tree = ''] = stdout.split('\n');
    return { commit, tree };
  }

  private ensureLocalCopy(): Promise<void> {
    this.ready ??= this.createLocalCopy().catch((error: unknown) => {
      this.ready = undefined;
      throw error;
    });
    return this.ready;
  }

  private async createLocalCopy(): Promise<void> {
    if (await stat(join(this.workdir, 'HEAD')).then(() => true, () => false)) return;
    await mkdir(dirname(this.workdir), { recursive: true });
    await git(['init', '--bare', '--quiet', this.workdir]);
    // Housekeeping in the foreground: no background gc outlives a change.
    await git(['config', 'gc.autoDetach', 'false'], { cwd: this.workdir });
  }

  /** The commit of `pending` on `base`, or undefined when its tree is the base's own. */
  private async makeCommit(tip: { commit: string; tree: string } | undefined, pending: PendingCommit, identity: Identity): Promise<string | undefined> {
    const base = tip?.commit;
    const env = { GIT_INDEX_FILE: join(this.workdir, `trunkline-index-${newId()}`) };
    const cwd = this.workdir;
    try {
      const start = pending.from ?? base;
      await git(start ? ['read-tree', start] : ['read-tree', '--empty'], { cwd, env });
      const removed = pending.entries.flatMap((e) => ('remove' in e ? [e.path] : []));
      const added = pending.entries.flatMap((e) => ('remove' in e ? [] : [`${e.mode},${e.sha},${e.path}`]));
      // update-index wants a work tree for paths; --force-remove never looks at it, so the local copy itself serves.
      for (const chunk of chunks(removed)) await git(['update-index', '--force-remove', '--', ...chunk], { cwd, env: { ...env, GIT_WORK_TREE: cwd } });
      for (const chunk of chunks(added)) await git(['update-index', '--add', ...chunk.flatMap((c) => ['--cacheinfo', c])], { cwd, env });
      const tree = (await git(['write-tree'], { cwd, env })).stdout.trim();
      if (tip?.tree === tree) return undefined;
      const parents = base ? ['-p', base] : [];
      const { stdout } = await git(['commit-tree', tree, ...parents, '-m', pending.message], { cwd, env: identityEnv(identity) });
      return stdout.trim();
    } finally {
      await rm(env.GIT_INDEX_FILE, { force: true });
    }
  }

  private async push(commit: string, branch: string, auth: string[]) {
    // Never forced: a plain push only lands on top of what is there.
    const { stdout, stderr, code } = await git([...auth, 'push', '--porcelain', this.remote, `${commit}:refs/heads/${branch}`], {
      cwd: this.workdir,
      okCodes: [1],
    });
    return pushOutcome(stdout, stderr, code);
  }
}

/** Credentials as a header for one git call (`-c` before the command is never written to a config file). */
function authArgs(credentials: Credentials | undefined): string[] {
  if (!credentials) return [];
  const basic = Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64');
  return ['-c', `http.extraHeader=Authorization: Basic ${basic}`];
}

function chunks<T>(items: T[], size = 500): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
