import { glob, lstat, open, readFile, realpath } from 'node:fs/promises';
import { dirname, join, posix, relative, sep } from 'node:path';
import { ConfigError } from '../../../core/index.ts';
import type { IgnoreSource, LayerEntry } from '../walk.ts';
import { dockerignore, type IgnoreMatcher } from './dockerignore.ts';
import type { CopyStep } from './plan.ts';

/** The build context folder and its `.dockerignore`. */
export class BuildContext {
  readonly dir: string;
  private readonly ignore: IgnoreMatcher;

  private constructor(dir: string, ignore: IgnoreMatcher) {
    this.dir = dir;
    this.ignore = ignore;
  }

  static async open(dir: string): Promise<BuildContext> {
    const real = await realpath(dir).catch(() => {
      throw new ConfigError(`build context ${dir} does not exist`);
    });
    const text = await readFile(join(real, '.dockerignore'), 'utf8').catch(() => '');
    return new BuildContext(real, dockerignore(text));
  }

  /** Skips ignored paths while a folder is walked into a layer. */
  readonly ignoreSource: IgnoreSource = (source, isDirectory) => {
    const rel = this.relative(source);
    if (!this.ignore.excludes(rel)) return false;
    return !(isDirectory && this.ignore.hasExceptions);
  };

  /** The layer entries of one COPY/ADD, its sources confined to the context. */
  async entries(step: CopyStep): Promise<LayerEntry[]> {
    const fail = (message: string): never => {
      throw new ConfigError(`Dockerfile:${step.line}: ${step.keyword} ${message}`, { line: step.line });
    };
    const owner = step.uid === undefined ? {} : { uid: step.uid, gid: step.gid ?? step.uid };
    const entries: LayerEntry[] = [];
    for (const source of step.sources) {
      const clean = posix.normalize(source.replace(/^\/+/, '') || '.');
      if (clean === '..' || clean.startsWith('../')) fail(`source ${source} is outside the build context`);
      const matches = /[*?[]/.test(clean) ? await this.glob(clean) : [clean];
      if (matches.length === 0) fail(`source ${source} matches no file in the build context`);
      if (matches.length > 1 && !step.dest.endsWith('/')) fail(`source ${source} matches several files: the destination must end with /`);
      for (const rel of matches) {
        const path = join(this.dir, rel);
        const stat = await lstat(path).catch(() => fail(`source ${source} not found in the build context`));
        if (rel !== '.' && this.ignore.excludes(rel)) fail(`source ${rel} is excluded by .dockerignore`);
        // Folders on the way may be symlinks: the real location must stay inside the context.
        const real = await realpath(stat.isSymbolicLink() ? dirname(path) : path);
        if (real !== this.dir && !real.startsWith(this.dir + sep)) fail(`source ${source} resolves outside the build context`);
        if (step.keyword === 'ADD' && stat.isFile() && (await isArchive(path))) {
          fail(
            `${rel}: the daemonless builder does not extract archives; ` +
              'use COPY to add the archive as is, or unpack it in an earlier pipeline step',
          );
        }
        const to = stat.isDirectory() ? step.dest : step.dest.endsWith('/') ? step.dest + posix.basename(rel) : step.dest;
        entries.push({ from: path, to, ...owner });
      }
    }
    return entries;
  }

  private relative(path: string): string {
    return relative(this.dir, path).split(sep).join('/') || '.';
  }

  private async glob(pattern: string): Promise<string[]> {
    const found: string[] = [];
    for await (const match of glob(pattern, { cwd: this.dir })) {
      const rel = match.split(sep).join('/');
      if (!this.ignore.excludes(rel)) found.push(rel);
    }
    return found.sort();
  }
}

/** gzip, bzip2, xz or tar by their magic bytes: what Docker's ADD would unpack. */
async function isArchive(path: string): Promise<boolean> {
  const handle = await open(path, 'r');
  try {
    const head = Buffer.alloc(512);
    const { bytesRead } = await handle.read(head, 0, 512, 0);
    const bytes = head.subarray(0, bytesRead);
    if (bytes[0] === 0x1f && bytes[1] === 0x8b) return true;
    if (bytes.subarray(0, 3).toString('latin1') === 'BZh') return true;
    if (bytes.subarray(0, 6).equals(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]))) return true;
    return bytesRead >= 262 && bytes.subarray(257, 262).toString('latin1') === 'ustar';
  } finally {
    await handle.close();
  }
}
