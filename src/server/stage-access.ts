import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ServerInfo, StageAccess } from '../builds/index.ts';
import type { BuildRecord, StageRecord, Store } from '../store/index.ts';

const CI_LOGIN = 'trunkline-ci';
const binPath = new URL('../../bin/trunkline.js', import.meta.url).pathname;

/**
 * What every step gets from Trunkline: the `trunkline` command on its PATH
 * (to build images, package charts, gate on scans), where the server and
 * its registry are, and a token of its own — valid while the stage runs,
 * revoked when it ends, masked in logs — like a CI job token.
 */
export async function stageAccessProvider(
  store: Store,
  server: ServerInfo,
  dataDir: string,
): Promise<(build: BuildRecord, stage: StageRecord) => Promise<StageAccess>> {
  const shimDir = await writeTrunklineShim(join(dataDir, 'bin'));

  return async (build, stage) => {
    const ci =
      (await store.users.findByLogin(CI_LOGIN)) ??
      (await store.users.create({ login: CI_LOGIN, name: 'Pipeline steps', role: 'developer' }));
    const { token, record } = await store.tokens.create(ci.id, `build ${build.id} stage ${stage.number}`, {
      expiresAt: Date.now() + 24 * 60 * 60 * 1000,
    });
    return {
      environment: {
        TRUNKLINE_SERVER: server.url,
        TRUNKLINE_REGISTRY: new URL(server.url).host,
        // Host paths mean nothing inside a container, whose image has its own PATH.
        ...(stage.type === 'exec' ? { PATH: `${shimDir}:${process.env.PATH ?? '/usr/bin:/bin'}` } : {}),
      },
      credentials: { TRUNKLINE_TOKEN: token },
      release: () => store.tokens.revoke(record.id).catch(() => {}),
    };
  };
}

/** A `trunkline` command in `dir` running this very installation; returns `dir` (for PATH). */
export async function writeTrunklineShim(dir: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  const shim = join(dir, 'trunkline');
  await writeFile(shim, `#!/bin/sh\nexec "${process.execPath}" "${binPath}" "$@"\n`);
  await chmod(shim, 0o755);
  return dir;
}
