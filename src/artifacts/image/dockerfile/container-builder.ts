import { execFile } from 'node:child_process';
import { access, constants, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import { ExternalError, type Logger } from '../../../core/index.ts';

const run = promisify(execFile);

export type ContainerBuilderName = 'buildah' | 'podman' | 'docker';

export interface ContainerBuilder {
  name: ContainerBuilderName;
  path: string;
}

/** The first of buildah, podman, docker on PATH (docker only when its daemon answers). */
export async function findContainerBuilder(path = process.env.PATH ?? ''): Promise<ContainerBuilder | undefined> {
  for (const name of ['buildah', 'podman', 'docker'] as const) {
    for (const dir of path.split(delimiter).filter(Boolean)) {
      const candidate = join(dir, name);
      if (!(await access(candidate, constants.X_OK).then(() => true, () => false))) continue;
      if (name === 'docker' && !(await run(candidate, ['version', '--format', '{{.Server.Version}}']).then(() => true, () => false))) break;
      return { name, path: candidate };
    }
  }
  return undefined;
}

export interface ContainerBuildRequest {
  context: string;
  dockerfile: string;
  /** `host/repository:tag` to build and push. */
  reference: string;
  buildArgs: Record<string, string>;
  labels: Record<string, string>;
  /** Commit time: image `created` and file timestamps (buildah/podman `--timestamp`). */
  created: Date;
  tlsVerify: boolean;
  credentials?: { username: string; password: string };
  logger: Logger;
}

/**
 * Builds a Dockerfile with a container builder and pushes it; returns the
 * manifest digest reported by the push (undefined for docker, which the
 * caller reads from the registry). buildah and podman run daemonless with
 * `--isolation chroot` in a throw-away storage root, credentials go through
 * an auth file (never the command line).
 */
export async function buildWithContainerBuilder(builder: ContainerBuilder, request: ContainerBuildRequest): Promise<string | undefined> {
  const work = await mkdtemp(join(tmpdir(), 'tl-container-build-'));
  try {
    const authFile = join(work, 'auth.json');
    const host = request.reference.slice(0, request.reference.indexOf('/'));
    const auths = request.credentials
      ? { [host]: { auth: Buffer.from(`${request.credentials.username}:${request.credentials.password}`).toString('base64') } }
      : {};
    await writeFile(authFile, JSON.stringify({ auths }), { mode: 0o600 });
    const common = [
      '-f', request.dockerfile,
      '-t', request.reference,
      ...Object.entries(request.buildArgs).flatMap(([k, v]) => ['--build-arg', `${k}=${v}`]),
      ...Object.entries(request.labels).flatMap(([k, v]) => ['--label', `${k}=${v}`]),
    ];
    if (builder.name === 'docker') {
      await mkdir(join(work, 'docker'));
      await writeFile(join(work, 'docker', 'config.json'), JSON.stringify({ auths }), { mode: 0o600 });
      const env = { ...process.env, DOCKER_CONFIG: join(work, 'docker') };
      await step(builder, ['build', ...common, request.context], request.logger, env);
      await step(builder, ['push', request.reference], request.logger, env);
      return undefined;
    }
    const storage = ['--root', join(work, 'root'), '--runroot', join(work, 'runroot'), '--storage-driver', 'vfs'];
    const tls = `--tls-verify=${request.tlsVerify}`;
    const timestamp = `--timestamp=${Math.floor(request.created.getTime() / 1000)}`;
    const build = builder.name === 'buildah' ? 'bud' : 'build';
    await step(
      builder,
      [...storage, build, '--isolation', 'chroot', '--layers=false', '--format', 'oci', tls, '--authfile', authFile, timestamp, ...common, request.context],
      request.logger,
    );
    const digestFile = join(work, 'digest');
    await step(
      builder,
      [...storage, 'push', tls, '--authfile', authFile, '--digestfile', digestFile, request.reference, `docker://${request.reference}`],
      request.logger,
    );
    return (await readFile(digestFile, 'utf8')).trim();
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

async function step(builder: ContainerBuilder, args: string[], logger: Logger, env?: NodeJS.ProcessEnv): Promise<void> {
  logger.debug({ builder: builder.name, command: args.find((a) => ['bud', 'build', 'push'].includes(a)) }, 'container builder');
  try {
    await run(builder.path, args, { maxBuffer: 64 * 1024 * 1024, ...(env ? { env } : {}) });
  } catch (error) {
    const failure = error as { stderr?: string; message: string };
    const tail = (failure.stderr ?? failure.message).trim().split('\n').slice(-15).join('\n');
    throw new ExternalError(`${builder.name} failed: ${tail}`, { builder: builder.name });
  }
}
