/**
 * Unpacks folders of a commit for rendering, many at once: the folders
 * asked for in one turn of the event loop share one `git archive | tar -x`
 * (in chunks), instead of a few processes per application. The unpacked
 * tree is removed once every renderer using it is done.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExternalError } from '../../core/index.ts';

/** Pathspecs per `git archive` call, to stay far below the argument limit. */
const chunkSize = 400;

interface Batch {
  paths: Set<string>;
  /** The root the folders are unpacked under. */
  ready: Promise<string>;
  users: number;
}

/** Runs `git archive <commit> -- <paths>` in `repoDir` piped into `tar -x -C <into>`. */
export function archiveInto(repoDir: string, commit: string, paths: readonly string[], into: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const pathspec = paths.includes('') ? [] : ['--', ...paths];
    const env = { ...process.env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' };
    const archive = spawn('git', ['archive', '--format=tar', commit, ...pathspec], { cwd: repoDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const unpack = spawn('tar', ['-xf', '-', '-C', into], { stdio: ['pipe', 'ignore', 'pipe'] });
    let gitErr = '';
    let tarErr = '';
    archive.stderr.on('data', (chunk: Buffer) => (gitErr += chunk.toString()));
    unpack.stderr.on('data', (chunk: Buffer) => (tarErr += chunk.toString()));
    archive.stdout.pipe(unpack.stdin);
    // A failed tar closes its input early: git's EPIPE is reported through tar's exit.
    unpack.stdin.on('error', () => {});
    let pending = 2;
    let failure: Error | undefined;
    const done = (what: string, stderr: () => string) => (code: number | null) => {
      if (code !== 0 && !failure) failure = new ExternalError(`${what} failed: ${stderr().trim() || `exit ${code}`}`, { code });
      if (--pending === 0) {
        if (failure) reject(failure);
        else resolve();
      }
    };
    archive.on('error', reject);
    unpack.on('error', reject);
    archive.on('close', done('git archive', () => gitErr));
    unpack.on('close', done('tar', () => tarErr));
  });
}

export class FolderExtractor {
  readonly #collecting = new Map<string, Batch>();

  /**
   * Unpacks `path` ('' for the whole tree) of `commit` and calls `use` with
   * the unpacked root (the folder is `join(root, path)`). The root is
   * removed after `use` settles (and every other user of the same batch).
   */
  async with<T>(repoDir: string, commit: string, path: string, use: (root: string) => Promise<T>): Promise<T> {
    const key = `${repoDir}\0${commit}`;
    let batch = this.#collecting.get(key);
    if (!batch) {
      const created: Batch = { paths: new Set(), users: 0, ready: Promise.resolve('') };
      created.ready = new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
        this.#collecting.delete(key);
        return this.#unpack(repoDir, commit, [...created.paths]);
      });
      // Every user awaits `ready`; a failure is theirs, not unhandled.
      created.ready.catch(() => {});
      this.#collecting.set(key, created);
      batch = created;
    }
    batch.paths.add(path);
    batch.users++;
    try {
      let root: string;
      try {
        root = await batch.ready;
      } catch (error) {
        // One bad path fails the whole archive: alone, this path may still unpack (or fail with its own error).
        if (batch.paths.size === 1) throw error;
        return await this.#alone(repoDir, commit, path, use);
      }
      return await use(root);
    } finally {
      if (--batch.users === 0) {
        const root = await batch.ready.catch(() => undefined);
        if (root) await rm(root, { recursive: true, force: true });
      }
    }
  }

  async #alone<T>(repoDir: string, commit: string, path: string, use: (root: string) => Promise<T>): Promise<T> {
    const root = await this.#unpack(repoDir, commit, [path]);
    try {
      return await use(root);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  }

  async #unpack(repoDir: string, commit: string, paths: string[]): Promise<string> {
    const root = await mkdtemp(join(tmpdir(), 'trunkline-render-'));
    try {
      const all = paths.includes('') ? [''] : paths.sort();
      for (let i = 0; i < all.length; i += chunkSize) await archiveInto(repoDir, commit, all.slice(i, i + chunkSize), root);
      return root;
    } catch (error) {
      await rm(root, { recursive: true, force: true });
      throw error;
    }
  }
}
