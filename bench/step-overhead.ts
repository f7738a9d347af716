import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../src/core/index.ts';
import { compilePlan, parsePipelineFile, type BuildContext } from '../src/pipeline/index.ts';
import { execBackend, runPipeline } from '../src/runner/index.ts';
import { elapsedMs, summarise } from './stats.ts';

export const context: BuildContext = {
  repo: { namespace: 'bench', name: 'app', link: '', cloneUrl: '', defaultBranch: 'main', visibility: 'private', private: true },
  build: { number: 1, event: 'push', trigger: 'bench', created: 0, link: '', params: {} },
  commit: {
    sha: 'a'.repeat(40),
    before: '0'.repeat(40),
    ref: 'refs/heads/main',
    branch: 'main',
    sourceBranch: 'main',
    targetBranch: 'main',
    message: 'bench',
    link: '',
    author: { name: '', email: '', username: '', avatar: '' },
  },
  system: { proto: 'http', host: 'localhost', version: 'bench' },
};

const command = (i: number) => `echo step ${i} > /dev/null`;

function pipelineFile(steps: number, parallel: boolean): string {
  const lines = ['kind: pipeline', 'type: exec', 'name: bench', 'clone:', '  disable: true', 'steps:'];
  for (let i = 0; i < steps; i++) {
    lines.push(`- name: s${i}`, '  commands:', `  - ${command(i)}`);
    // Graph mode: after the first step, all the others run at once.
    if (parallel && i > 0) lines.push('  depends_on: [s0]');
  }
  return `${lines.join('\n')}\n`;
}

/** The same commands as one plain shell script: the floor the engine is compared with. */
function baselineScript(steps: number, parallel: boolean): string {
  const body = Array.from({ length: steps }, (_, i) => (parallel && i > 0 ? `(${command(i)}) &` : command(i)));
  return `set -e\n${body.join('\n')}\n${parallel ? 'wait\n' : ''}`;
}

/**
 * The exec backend's overhead per step: a pipeline of `steps` trivial
 * steps through the scheduler and exec backend, against the same commands
 * run by one shell script.
 */
export async function stepOverhead(steps: number, parallel: boolean, rounds: number) {
  const root = mkdtempSync(join(tmpdir(), 'tl-bench-'));
  const backend = execBackend.create(execBackend.configSchema.parse({ root }), { logger: silentLogger });
  const text = pipelineFile(steps, parallel);
  const plan = compilePlan(parsePipelineFile(text, 'bench.yml'), context).pipelines[0]!;
  if (parallel && plan.steps.some((step) => step.dependsOn.length > 1)) throw new Error('bench pipeline is not parallel');
  const script = join(root, 'baseline.sh');
  writeFileSync(script, baselineScript(steps, parallel));
  const observer = { stepStarted() {}, stepLog() {}, stepFinished() {} };

  const engine: number[] = [];
  const baseline: number[] = [];
  for (let round = 0; round < rounds; round++) {
    let start = process.hrtime.bigint();
    const result = await runPipeline({ run: { id: `bench-${round}`, pipeline: plan }, backend, secrets: {}, observer, logger: silentLogger });
    engine.push(elapsedMs(start));
    if (result.status !== 'success') throw new Error(`bench pipeline ${result.status}: ${JSON.stringify(result.steps.slice(0, 2))}`);
    start = process.hrtime.bigint();
    spawnSync('/bin/sh', [script], { stdio: 'ignore' });
    baseline.push(elapsedMs(start));
  }
  rmSync(root, { recursive: true, force: true });
  const engineMs = summarise(engine);
  const baselineMs = summarise(baseline);
  return {
    steps,
    mode: parallel ? 'parallel' : 'sequential',
    pipelineMs: engineMs,
    plainScriptMs: baselineMs,
    addedPerStepMs: Math.round(((engineMs.median - baselineMs.median) / steps) * 100) / 100,
  };
}
