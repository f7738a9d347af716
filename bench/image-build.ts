import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildFromDockerfile, createRegistryClient } from '../src/artifacts/index.ts';
import { DistributionRegistry } from '../test/helpers/distribution.ts';
import { elapsedMs, summarise } from './stats.ts';

/**
 * Building and pushing an image whose application layer is `megabytes` of
 * files, against `tar czf` of the same files (the floor for any builder
 * that must compress them) and against `buildah bud --isolation chroot` of
 * the equivalent COPY-only Dockerfile (build only, no push).
 */
export async function imageBuild(megabytes: number, rounds: number) {
  const context = mkdtempSync(join(tmpdir(), 'tl-bench-image-'));
  const app = join(context, 'app');
  mkdirSync(app);
  // Half incompressible, half text: closer to a real application than either alone.
  for (let i = 0; i < megabytes; i++) {
    const content = i % 2 === 0 ? randomBytes(1024 * 1024) : Buffer.from(`line ${i} of the application\n`.repeat(36_000).slice(0, 1024 * 1024));
    writeFileSync(join(app, `file-${i}.bin`), content);
  }
  writeFileSync(join(context, 'Dockerfile'), 'FROM scratch\nCOPY app /app\nENTRYPOINT ["/app/file-0.bin"]\n');
  const registry = await DistributionRegistry.start();
  const client = createRegistryClient({ registry: registry.host });
  const trunkline: number[] = [];
  const tar: number[] = [];
  const buildah: number[] = [];
  const hasBuildah = spawnSync('sh', ['-c', 'command -v buildah']).status === 0;
  try {
    for (let round = 0; round < rounds; round++) {
      let start = process.hrtime.bigint();
      await buildFromDockerfile({
        context,
        repository: 'bench/app',
        tag: `round-${round}`,
        revision: 'a'.repeat(40),
        created: new Date(0),
        client,
        containerBuilder: undefined,
      });
      trunkline.push(elapsedMs(start));

      const archive = join(tmpdir(), `tl-bench-${round}.tgz`);
      start = process.hrtime.bigint();
      execFileSync('tar', ['czf', archive, '-C', context, 'app']);
      tar.push(elapsedMs(start));
      rmSync(archive, { force: true });

      if (hasBuildah) {
        const storage = mkdtempSync(join(tmpdir(), 'tl-bench-buildah-'));
        start = process.hrtime.bigint();
        execFileSync(
          'buildah',
          ['--root', join(storage, 'root'), '--runroot', join(storage, 'run'), '--storage-driver', 'vfs', 'bud', '--isolation', 'chroot', '--layers=false', '-q', '-t', `bench:${round}`, context],
          { stdio: 'ignore' },
        );
        buildah.push(elapsedMs(start));
        execFileSync('buildah', ['--root', join(storage, 'root'), '--runroot', join(storage, 'run'), '--storage-driver', 'vfs', 'rmi', '-a', '-f'], { stdio: 'ignore' });
        rmSync(storage, { recursive: true, force: true });
      }
    }
  } finally {
    await registry.stop();
    rmSync(context, { recursive: true, force: true });
  }
  const ours = summarise(trunkline);
  const floor = summarise(tar);
  return {
    megabytes,
    buildAndPushMs: ours,
    tarCzfMs: floor,
    ratioToTarCzf: Math.round((ours.median / floor.median) * 100) / 100,
    buildahBudMs: hasBuildah ? summarise(buildah) : 'buildah not installed',
  };
}
