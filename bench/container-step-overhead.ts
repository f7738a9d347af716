import { spawnSync } from 'node:child_process';
import { silentLogger } from '../src/core/index.ts';
import { compilePlan, parsePipelineFile } from '../src/pipeline/index.ts';
import { ContainerCli, containerBackend, probeContainerHost, runPipeline } from '../src/runner/index.ts';
import { BUSYBOX_IMAGE, ensureBusyboxImage, hasCli } from '../test/helpers/busybox-image.ts';
import { context } from './step-overhead.ts';
import { elapsedMs, summarise } from './stats.ts';

/**
 * The container backend's overhead per step: a pipeline of `steps`
 * trivial steps (sequential) through the scheduler and the container
 * backend (network, workspace volume, create, start, logs, wait, cleanup)
 * against the same number of bare `podman run --rm` calls with the same
 * host workarounds. Skipped (with a reason) where podman is missing.
 */
export async function containerStepOverhead(steps: number, rounds: number) {
  if (!hasCli('podman')) return { skipped: 'podman is not installed' };
  ensureBusyboxImage();
  const lines = ['kind: pipeline', 'type: docker', 'name: bench', 'clone: {disable: true}', 'steps:'];
  for (let i = 0; i < steps; i++) lines.push(`- name: s${i}`, `  image: ${BUSYBOX_IMAGE}`, '  pull: never', `  commands: [echo step ${i}]`);
  const plan = compilePlan(parsePipelineFile(`${lines.join('\n')}\n`, 'bench.yml'), context).pipelines[0]!;
  const backend = containerBackend.create(containerBackend.configSchema.parse({ engine: 'podman', stopGraceMs: 0 }), { logger: silentLogger });
  const { wrapper, ulimits } = await probeContainerHost(new ContainerCli('podman'), silentLogger);
  const bare = [...wrapper, 'podman', 'run', '--rm', ...ulimits.flatMap((u) => ['--ulimit', u]), BUSYBOX_IMAGE, 'echo', 'step'];
  const observer = { stepStarted() {}, stepLog() {}, stepFinished() {} };

  const engine: number[] = [];
  const baseline: number[] = [];
  for (let round = 0; round < rounds; round++) {
    let start = process.hrtime.bigint();
    const result = await runPipeline({ run: { id: `bench-container-${process.pid}-${round}`, pipeline: plan }, backend, secrets: {}, observer, logger: silentLogger });
    engine.push(elapsedMs(start));
    if (result.status !== 'success') throw new Error(`bench pipeline ${result.status}: ${JSON.stringify(result.steps.slice(0, 2))}`);
    start = process.hrtime.bigint();
    for (let i = 0; i < steps; i++) {
      if (spawnSync(bare[0]!, bare.slice(1), { stdio: 'ignore' }).status !== 0) throw new Error(`${bare.join(' ')} failed`);
    }
    baseline.push(elapsedMs(start));
  }
  const engineMs = summarise(engine);
  const baselineMs = summarise(baseline);
  return {
    steps,
    pipelineMs: engineMs,
    podmanRunMs: baselineMs,
    addedPerStepMs: Math.round(((engineMs.median - baselineMs.median) / steps) * 100) / 100,
  };
}
