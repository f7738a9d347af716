import type { IncomingMessage, ServerResponse } from 'node:http';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { newId } from '../../core/index.ts';
import { BareRepos } from './bare-repos.ts';
import { installHooks, PUSH_LOG_VARIABLE } from './hooks.ts';
import { serveGitHttp } from './http-backend.ts';
import { parseRefUpdates, type RefUpdate } from './ref-updates.ts';

export type GitService = 'upload-pack' | 'receive-pack';

export interface GitHttpCall {
  namespace: string;
  name: string;
  /** What follows `<name>.git`, e.g. `/info/refs` or `/git-receive-pack`. */
  rest: string;
  method: string;
  query: string;
  headers: IncomingMessage['headers'];
  body: Readable | undefined;
  user?: string;
  remoteAddr?: string;
}

/**
 * The built-in git host: bare repositories served over smart HTTP by git
 * itself. A push's ref updates are captured by a post-receive hook into a
 * per-request file, so concurrent pushes never mix their updates.
 */
export class GitHost {
  readonly repos: BareRepos;
  private readonly hooksDir: string;
  private readonly spool: string;

  private constructor(root: string) {
    this.repos = new BareRepos(root);
    this.hooksDir = join(root, '.hooks');
    this.spool = join(root, '.pushes');
  }

  static async open(root: string): Promise<GitHost> {
    const host = new GitHost(root);
    await installHooks(host.hooksDir);
    await mkdir(host.spool, { recursive: true });
    return host;
  }

  /** Which service a request asks for: reads are upload-pack, pushes receive-pack. */
  static serviceOf(call: Pick<GitHttpCall, 'rest' | 'query'>): GitService {
    return call.rest === '/git-receive-pack' || new URLSearchParams(call.query).get('service') === 'git-receive-pack'
      ? 'receive-pack'
      : 'upload-pack';
  }

  /**
   * Serves the request, leaving the response open for the caller to end;
   * for a push, returns the ref updates git applied, in order.
   */
  async serve(call: GitHttpCall, response: ServerResponse): Promise<RefUpdate[]> {
    const pushLog = call.rest === '/git-receive-pack' ? join(this.spool, `${newId()}.log`) : undefined;
    try {
      await serveGitHttp(
        {
          projectRoot: this.repos.root,
          pathInfo: `/${call.namespace}/${call.name}.git${call.rest}`,
          method: call.method,
          query: call.query,
          headers: call.headers,
          body: call.body,
          remoteUser: call.user,
          remoteAddr: call.remoteAddr,
          env: {
            GIT_CONFIG_COUNT: '1',
            GIT_CONFIG_KEY_0: 'core.hooksPath',
            GIT_CONFIG_VALUE_0: this.hooksDir,
            ...(pushLog ? { [PUSH_LOG_VARIABLE]: pushLog } : {}),
          },
        },
        response,
      );
      if (!pushLog) return [];
      const text = await readFile(pushLog, 'utf8').catch(() => '');
      return parseRefUpdates(text);
    } finally {
      if (pushLog) await rm(pushLog, { force: true });
    }
  }
}
