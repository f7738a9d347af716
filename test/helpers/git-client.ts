import { execFile } from 'node:child_process';
import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const identity = { GIT_AUTHOR_NAME: 'Ada Lovelace', GIT_AUTHOR_EMAIL: 'ada@example.com', GIT_COMMITTER_NAME: 'Ada Lovelace', GIT_COMMITTER_EMAIL: 'ada@example.com' };

/**
 * A working copy driven by the real git client, asynchronously (the server
 * it talks to may run in the test's own process). Never prompts.
 */
export class GitClient {
  readonly dir: string;

  private constructor(dir: string) {
    this.dir = dir;
  }

  static async init(branch = 'main'): Promise<GitClient> {
    const client = new GitClient(await mkdtemp(join(tmpdir(), 'tl-client-')));
    await client.git('init', '-q', '-b', branch);
    return client;
  }

  async git(...args: string[]): Promise<string> {
    const { stdout } = await run('git', ['-c', 'credential.helper=', '-c', 'protocol.version=2', ...args], {
      cwd: this.dir,
      env: { ...process.env, ...identity, GIT_TERMINAL_PROMPT: '0' },
    });
    return stdout.trim();
  }

  async commit(files: Record<string, string>, message = 'change'): Promise<string> {
    for (const [path, content] of Object.entries(files)) {
      await mkdir(dirname(join(this.dir, path)), { recursive: true });
      await writeFile(join(this.dir, path), content);
    }
    await this.git('add', '-A');
    await this.git('commit', '-q', '--allow-empty', '-m', message);
    return this.git('rev-parse', 'HEAD');
  }
}

/** `http://login:token@host/path` for git over HTTP with basic auth. */
export function withCredentials(url: string, login: string, token: string): string {
  const parsed = new URL(url);
  parsed.username = login;
  parsed.password = token;
  return parsed.toString();
}
