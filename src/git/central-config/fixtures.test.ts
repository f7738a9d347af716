/**
 * Test helpers for central pipeline config: a real git config repository
 * driven by the `git` CLI, build requests, and a Drone configuration
 * extension served by `node:http` that checks requests as drone-go's plugin
 * handler does. Holds no tests itself.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { IncomingMessage, Server } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { git } from '../cli.ts';
import { Mirror } from '../mirror.ts';
import type { ConfigRequest } from './contract.ts';

export class ConfigRepo {
  readonly root: string;
  readonly work: string;
  readonly mirror: Mirror;

  private constructor(root: string) {
    this.root = root;
    this.work = join(root, 'config');
    this.mirror = new Mirror(this.work, join(root, 'mirror.git'));
  }

  /** A config repository (branch `main`) with one commit holding `files`. */
  static async create(files: Record<string, string>): Promise<ConfigRepo> {
    const repo = new ConfigRepo(await mkdtemp(join(tmpdir(), 'trunkline-central-')));
    await git(['init', '--quiet', '-b', 'main', repo.work]);
    await repo.commit(files, 'initial config');
    return repo;
  }

  /** Writes `files` (null deletes) and commits them; returns the new commit. */
  async commit(files: Record<string, string | null>, message: string): Promise<string> {
    for (const [path, text] of Object.entries(files)) {
      const full = join(this.work, path);
      if (text === null) {
        await rm(full, { force: true });
      } else {
        await mkdir(dirname(full), { recursive: true });
        await writeFile(full, text);
      }
    }
    await git(['add', '--all'], { cwd: this.work });
    await git(['-c', 'user.name=Config', '-c', 'user.email=config@example.com', 'commit', '--quiet', '--allow-empty', '-m', message], {
      cwd: this.work,
    });
    return this.head();
  }

  async head(): Promise<string> {
    return (await git(['rev-parse', 'HEAD'], { cwd: this.work })).stdout.trim();
  }

  async dispose(): Promise<void> {
    await rm(this.root, { recursive: true, force: true });
  }
}

export interface RequestInput {
  slug: string;
  branch?: string;
  event?: string;
  /** The repository's own files at the build's commit. */
  files?: Record<string, string>;
}

export function buildRequest(input: RequestInput): ConfigRequest {
  const [namespace = '', name = ''] = input.slug.split('/');
  const branch = input.branch ?? 'main';
  const files = input.files ?? {};
  return {
    repo: {
      namespace,
      name,
      slug: input.slug,
      configPath: '.drone.yml',
      defaultBranch: 'main',
      cloneUrl: `http://git.example.com/${input.slug}.git`,
      link: `http://git.example.com/${input.slug}`,
      visibility: 'private',
      trusted: false,
    },
    build: {
      number: 7,
      event: input.event ?? 'push',
      action: '',
      ref: `refs/heads/${branch}`,
      branch,
      sourceBranch: branch,
      targetBranch: branch,
      commitSha: '0123456789abcdef0123456789abcdef01234567',
      beforeSha: 'fedcba9876543210fedcba9876543210fedcba98',
      message: 'Fix the thing',
      authorLogin: 'octo',
      authorName: 'Octo Cat',
      authorEmail: 'octo@example.com',
      created: 1_700_000_000,
    },
    readRepoFile: (path) => Promise.resolve(files[path]),
  };
}

/**
 * What drone-go's `config.Handler` checks before calling its plugin
 * (httpsignatures-go as drone-go pins it): a `Signature` (or
 * `Authorization: Signature …`) header with keyId, algorithm and
 * signature; a header list that includes `date`; every listed header
 * present; the hmac of their `name: value` lines, keyed by the secret's
 * bytes, equal to the signature. drone-go does not check `digest` against
 * the body; this server does too, so a body changed after signing is caught.
 */
export function verifyDroneSignature(req: IncomingMessage, body: Buffer, secret: string): boolean {
  const header = req.headers.signature ?? req.headers.authorization?.replace(/^Signature /, '');
  if (typeof header !== 'string') return false;
  const params = new Map<string, string>();
  for (const m of header.matchAll(/(\w+)="([^"]*)"/g)) {
    if (!['keyId', 'algorithm', 'headers', 'signature'].includes(m[1] ?? '')) return false;
    params.set(m[1] ?? '', m[2] ?? '');
  }
  const algorithm = params.get('algorithm');
  const signature = params.get('signature');
  if (!params.get('keyId') || !signature || algorithm !== 'hmac-sha256') return false;
  const names = (params.get('headers') ?? '').toLowerCase().split(' ');
  if (!names.includes('date')) return false;
  const lines: string[] = [];
  for (const name of names) {
    const value = req.headers[name];
    if (typeof value !== 'string' || value === '') return false;
    lines.push(`${name}: ${value}`);
  }
  const expected = createHmac('sha256', secret).update(lines.join('\n')).digest('base64');
  if (expected.length !== signature.length || !timingSafeEqual(Buffer.from(expected), Buffer.from(signature))) return false;
  return req.headers.digest === `SHA-256=${createHash('sha256').update(body).digest('base64')}`;
}

export interface Received {
  headers: IncomingMessage['headers'];
  body: unknown;
}

export type Reply = { status: number; body?: string; contentType?: string } | 'hang';

export interface DroneExtension {
  url: string;
  /** Verified requests, in order. */
  received: Received[];
  /** Requests refused for their signature. */
  refused: number;
  close(): Promise<void>;
}

/** A configuration extension on 127.0.0.1 that answers verified requests with `reply`. */
export async function startExtension(secret: string, reply: (request: Received) => Reply): Promise<DroneExtension> {
  const hanging = new Set<() => void>();
  const state = { received: [] as Received[], refused: 0 };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      if (req.method !== 'POST' || !verifyDroneSignature(req, raw, secret)) {
        state.refused += 1;
        res.writeHead(400, { 'content-type': 'text/plain' }).end('Invalid Signature\n');
        return;
      }
      let body: unknown;
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        res.writeHead(400).end('Invalid Input\n');
        return;
      }
      const received = { headers: req.headers, body };
      state.received.push(received);
      const answer = reply(received);
      if (answer === 'hang') {
        hanging.add(() => res.destroy());
        return;
      }
      res.writeHead(answer.status, { 'content-type': answer.contentType ?? 'application/json' }).end(answer.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/config`,
    get received() {
      return state.received;
    },
    get refused() {
      return state.refused;
    },
    close: async () => {
      for (const end of hanging) end();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
