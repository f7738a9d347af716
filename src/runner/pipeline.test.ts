import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../core/index.ts';
import type { PlanPipeline, PlanStep } from '../pipeline/index.ts';
import type { Backend } from './contract.ts';
import { execBackend } from './exec/definition.ts';
import { limitMarker } from './log/limit.ts';
import { MASK } from './log/mask.ts';
import type { LogLine } from './log/step-log.ts';
import { pipeline, step } from './fixtures.test.ts';
import { runPipeline } from './pipeline.ts';
import type { RunPipelineOptions } from './pipeline.ts';
import type { RunObserver, StepResult } from './results.ts';

/** Serial order, as the compiler makes it explicit. */
function serial(steps: PlanStep[]): PlanStep[] {
  return steps.map((s, i) => (i === 0 || s.dependsOn.length > 0 ? s : { ...s, dependsOn: [steps[i - 1]!.name] }));
}

class Recorder implements RunObserver {
  readonly events: string[] = [];
  readonly logs = new Map<string, LogLine[]>();
  onLine: ((step: string, line: string) => void) | undefined;

  stepStarted(step: PlanStep): void {
    this.events.push(`start ${step.name}`);
  }
  stepLog(step: PlanStep, lines: LogLine[]): void {
    this.logs.set(step.name, [...(this.logs.get(step.name) ?? []), ...lines]);
    for (const line of lines) this.onLine?.(step.name, line.out);
  }
  stepFinished(step: PlanStep, result: StepResult): void {
    this.events.push(`finish ${step.name} ${result.status}`);
  }
  out(step: string): string[] {
    return (this.logs.get(step) ?? []).map((l) => l.out);
  }
}

/** Whether a process is gone (a zombie counts as gone: it runs nothing any more). */
function gone(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return true;
  }
}

/** Signal delivery is asynchronous: poll the process table, bounded. */
async function assertGone(pid: number): Promise<void> {
  for (let i = 0; i < 250 && !gone(pid); i++) await new Promise((r) => setTimeout(r, 20));
  assert.ok(gone(pid), `process ${pid} is still running`);
}

/** A bounded wait inside a step for a file another step creates. */
const waitFor = (file: string) =>
  `i=0; while [ ! -e ${file} ]; do i=$((i+1)); if [ $i -gt 400 ]; then echo "gave up waiting for ${file}"; exit 1; fi; sleep 0.05; done`;

describe('runPipeline with the exec backend', () => {
  let root: string;
  let outside: string;
  let backend: Backend;
  let runs = 0;

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'trunkline-runner-'));
    outside = await mkdtemp(join(tmpdir(), 'trunkline-runner-out-'));
    backend = execBackend.create({ root, stopGraceMs: 2000 }, { logger: silentLogger });
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
    await rm(outside, { recursive: true, force: true });
  });

  const run = async (p: PlanPipeline, options: Partial<RunPipelineOptions> = {}, recorder = new Recorder()) => {
    runs += 1;
    const result = await runPipeline({
      run: { id: `run-${runs}`, pipeline: p },
      backend,
      secrets: {},
      observer: recorder,
      logger: silentLogger,
      ...options,
    });
    return { result, recorder, byName: new Map(result.steps.map((s) => [s.name, s.result])) };
  };

  test('runs serial steps in order in a shared workspace, echoing each command, and removes the run folder', async () => {
    const { result, recorder } = await run(
      pipeline(
        'build',
        serial([
          step('write', ['echo hello > greeting.txt', 'echo "ws=$DRONE_WORKSPACE"']),
          step('read', ['cat greeting.txt', 'echo "$DRONE_STEP_NAME $DRONE_STEP_NUMBER $DRONE_BUILD_STATUS"']),
        ]),
      ),
    );
    assert.equal(result.status, 'success');
    assert.deepEqual(recorder.events, ['start write', 'finish write success', 'start read', 'finish read success']);
    assert.equal(recorder.out('write')[0], '+ echo hello > greeting.txt');
    assert.match(recorder.out('write')[2] ?? '', /^ws=.*\/run-\d+\/drone\/src$/);
    assert.deepEqual(recorder.out('read'), [
      '+ cat greeting.txt',
      'hello',
      '+ echo "$DRONE_STEP_NAME $DRONE_STEP_NUMBER $DRONE_BUILD_STATUS"',
      'read 2 success',
    ]);
    assert.deepEqual(await readdir(root), []);
  });

  test('credentials reach every step and are masked like secrets', async () => {
    const { result, recorder } = await run(pipeline('creds', [step('use', ['echo "token=$TRUNKLINE_TOKEN"', 'test -n "$TRUNKLINE_TOKEN"'])]), {
      credentials: { TRUNKLINE_TOKEN: 'tl_stage-credential-value' },
    });
    assert.equal(result.status, 'success');
    assert.deepEqual(recorder.out('use').slice(0, 2), ['+ echo "token=$TRUNKLINE_TOKEN"', `token=${MASK}`]);
  });

  test('runs independent steps in parallel', async () => {
    // Each waits for the file the other creates: both succeed only if they overlap.
    const { result, recorder } = await run(
      pipeline('parallel', [
        step('a', ['touch a.ready', waitFor('b.ready')]),
        step('b', ['touch b.ready', waitFor('a.ready')]),
        step('c', ['echo joined'], { dependsOn: ['a', 'b'] }),
      ]),
    );
    assert.equal(result.status, 'success', JSON.stringify(result));
    assert.deepEqual(recorder.out('c'), ['+ echo joined', 'joined']);
  });

  test('after a failure, on-success steps are skipped and on-failure/always steps run', async () => {
    const { result, byName, recorder } = await run(
      pipeline(
        'fail',
        serial([
          step('broken', ['echo before', 'exit 3', 'echo never']),
          step('next', ['echo next']),
          step('notify', ['echo "status=$DRONE_BUILD_STATUS failed=$DRONE_FAILED_STEPS"'], { runPolicy: 'on-failure' }),
          step('cleanup', ['echo cleanup'], { runPolicy: 'always' }),
          step('only-success', ['true'], { runPolicy: 'on-failure', dependsOn: [] }),
        ]).map((s) => (s.name === 'only-success' ? { ...s, runPolicy: 'on-success' as const, dependsOn: ['cleanup'] } : s)),
      ),
    );
    assert.equal(result.status, 'failure');
    assert.equal(byName.get('broken')?.status, 'failure');
    assert.equal(byName.get('broken')?.exitCode, 3);
    assert.deepEqual(recorder.out('broken'), ['+ echo before', 'before', '+ exit 3']);
    assert.equal(byName.get('next')?.status, 'skipped');
    assert.equal(byName.get('next')?.reason, 'skipped because an earlier step failed');
    assert.equal(byName.get('notify')?.status, 'success');
    assert.equal(recorder.out('notify')[1], 'status=failure failed=broken');
    assert.equal(byName.get('cleanup')?.status, 'success');
    assert.equal(byName.get('only-success')?.status, 'skipped');
  });

  test('on-failure steps are skipped when nothing failed', async () => {
    const { result, byName } = await run(
      pipeline('ok', serial([step('a', ['true']), step('b', ['true'], { runPolicy: 'on-failure' })])),
    );
    assert.equal(result.status, 'success');
    assert.equal(byName.get('b')?.status, 'skipped');
  });

  test('failure: ignore does not fail the pipeline', async () => {
    const { result, byName } = await run(
      pipeline('ignore', serial([step('flaky', ['exit 1'], { errorPolicy: 'ignore' }), step('after', ['true'])])),
    );
    assert.equal(result.status, 'success');
    assert.equal(byName.get('flaky')?.status, 'failure');
    assert.equal(byName.get('after')?.status, 'success');
  });

  test('a never step is skipped with its reason and starts nothing', async () => {
    const { result, byName, recorder } = await run(
      pipeline(
        'never',
        serial([step('deploy', ['exit 1'], { runPolicy: 'never', skipReason: 'branch "feature" does not match main' }), step('after', ['true'])]),
      ),
    );
    assert.equal(result.status, 'success');
    assert.deepEqual(byName.get('deploy'), {
      status: 'skipped',
      reason: 'branch "feature" does not match main',
      finishedAt: byName.get('deploy')?.finishedAt,
    });
    assert.ok(!recorder.events.includes('start deploy'));
  });

  test('exit code 78 succeeds and skips the remaining steps, like Drone', async () => {
    const { result, byName } = await run(pipeline('early', serial([step('check', ['exit 78']), step('build', ['exit 1'])])));
    assert.equal(result.status, 'success');
    assert.equal(byName.get('check')?.status, 'success');
    assert.equal(byName.get('build')?.status, 'skipped');
    assert.match(byName.get('build')?.reason ?? '', /exited with code 78/);
  });

  test('a detached step runs alongside the others and is stopped when the pipeline ends', async () => {
    const pidFile = join(outside, 'detached.pid');
    const { result, byName, recorder } = await run(
      pipeline('detach', [
        step('server', [`echo $$ > ${pidFile}`, 'echo serving', 'touch server.ready', 'exec sleep 1000'], { detach: true }),
        step('client', [waitFor('server.ready'), 'echo talked'], { dependsOn: ['server'] }),
      ]),
    );
    assert.equal(result.status, 'success');
    assert.equal(byName.get('client')?.status, 'success');
    assert.equal(byName.get('server')?.status, 'success');
    assert.equal(byName.get('server')?.reason, 'stopped at the end of the pipeline');
    assert.ok(recorder.out('server').includes('serving'));
    await assertGone(Number(readFileSync(pidFile, 'utf8')));
  });

  test('services start before the steps and are stopped at the end', async () => {
    const service = { ...step('db', ['touch db.up', 'exec sleep 1000']), kind: 'service' as const };
    const { result, byName } = await run(pipeline('svc', [step('use', [waitFor('db.up')])], { services: [service] }));
    assert.equal(result.status, 'success');
    assert.deepEqual(result.steps.map((s) => s.name), ['db', 'use']);
    assert.equal(byName.get('db')?.status, 'success');
  });

  test('a step that runs too long is stopped and fails with its timeout', async () => {
    const { result, byName } = await run(
      pipeline('slow', serial([step('hang', ['sleep 1000']), step('next', ['true']), step('report', ['true'], { runPolicy: 'on-failure' })])),
      { stepTimeoutMs: 300 },
    );
    assert.equal(result.status, 'failure');
    assert.equal(byName.get('hang')?.status, 'failure');
    assert.equal(byName.get('hang')?.reason, 'timed out after 0.3s');
    assert.notEqual(byName.get('hang')?.exitCode, 0);
    assert.equal(byName.get('next')?.status, 'skipped');
    assert.equal(byName.get('report')?.status, 'success');
  });

  test("a step's own timeoutSeconds wins over the default", async () => {
    const { byName } = await run(pipeline('own', [step('hang', ['sleep 1000'], { timeoutSeconds: 0.2 })]), {
      stepTimeoutMs: 60_000,
    });
    assert.equal(byName.get('hang')?.reason, 'timed out after 0.2s');
  });

  test('a pipeline that runs too long is killed and nothing else starts', async () => {
    const { result, byName } = await run(
      pipeline('slow', serial([step('hang', ['sleep 1000']), step('cleanup', ['true'], { runPolicy: 'always' })])),
      { timeoutMs: 300 },
    );
    assert.equal(result.status, 'killed');
    assert.equal(result.error, 'pipeline timed out after 0.3s');
    assert.equal(byName.get('hang')?.status, 'killed');
    assert.equal(byName.get('cleanup')?.status, 'skipped');
  });

  test('cancel kills the whole process tree of a running step', async () => {
    const pidFile = join(outside, 'grandchild.pid');
    const controller = new AbortController();
    const recorder = new Recorder();
    recorder.onLine = (_step, line) => {
      if (line === 'ready') controller.abort();
    };
    const { result, byName } = await run(
      pipeline('cancel', serial([step('tree', [`sleep 1000 & echo $! > ${pidFile}`, 'echo ready', 'wait']), step('after', ['true'], { runPolicy: 'always' })])),
      { signal: controller.signal },
      recorder,
    );
    assert.equal(result.status, 'killed');
    assert.equal(result.error, 'cancelled');
    assert.equal(byName.get('tree')?.status, 'killed');
    assert.equal(byName.get('after')?.status, 'skipped');
    assert.equal(byName.get('after')?.reason, 'cancelled');
    await assertGone(Number(readFileSync(pidFile, 'utf8')));
    assert.deepEqual(await readdir(root), []);
  });

  test('an already cancelled run starts nothing', async () => {
    const { result, recorder } = await run(pipeline('pre', [step('a', ['true'])]), { signal: AbortSignal.abort() });
    assert.equal(result.status, 'killed');
    assert.deepEqual(recorder.events, ['finish a skipped']);
  });

  test('masks secrets, also when split across output chunks, and each line of multi-line secrets', async () => {
    const { result, recorder } = await run(
      pipeline('secrets', [
        step(
          'show',
          [
            `printf 'sec'; sleep 0.1; printf 'ret and more\\n'`,
            'echo "token: $TOKEN"',
            'printf "%s\\n" "$KEY"',
            '[ "$TOKEN" = secret ]',
            'echo showtime',
          ],
          {
            secrets: [
              { env: 'TOKEN', secret: 'token' },
              { env: 'KEY', secret: 'key' },
            ],
          },
        ),
      ]),
      { secrets: { token: 'secret', key: '-----BEGIN-----\nbody-line\n-----END-----', unused: 'show' } },
    );
    assert.equal(result.status, 'success');
    const out = recorder.out('show');
    assert.ok(out.includes(`${MASK} and more`), out.join('\n'));
    assert.ok(out.includes(`token: ${MASK}`));
    assert.deepEqual(out.slice(5, 8), [MASK, MASK, MASK]);
    assert.ok(!out.join('\n').includes('secret'));
    assert.ok(out.some((l) => l.includes('show')), 'a secret the step did not receive is not masked');
  });

  test('a missing secret fails the step with an error naming it', async () => {
    const { result, byName, recorder } = await run(
      pipeline('nosecret', serial([step('deploy', ['true'], { secrets: [{ env: 'PASSWORD', secret: 'prod_password' }] }), step('after', ['true'])])),
    );
    assert.equal(result.status, 'error');
    assert.equal(byName.get('deploy')?.status, 'error');
    assert.equal(byName.get('deploy')?.error, 'secret "prod_password" (for variable PASSWORD) is not defined for this build');
    assert.match(result.error ?? '', /prod_password/);
    assert.equal(byName.get('after')?.status, 'skipped');
    assert.ok(!recorder.events.includes('start deploy'));
  });

  test('caps the log of a step while the step keeps running', async () => {
    const { result, byName, recorder } = await run(
      pipeline('flood', serial([step('loud', ['seq 1 5000', 'touch finished']), step('check', ['test -f finished'])])),
      { logLimitBytes: 200 },
    );
    assert.equal(result.status, 'success');
    assert.equal(byName.get('check')?.status, 'success');
    const out = recorder.out('loud');
    assert.equal(out.at(-1), limitMarker(200));
    const kept = out.slice(0, -1).reduce((bytes, line) => bytes + Buffer.byteLength(line) + 1, 0);
    assert.ok(kept <= 200 && kept > 150, `kept ${kept} bytes`);
    assert.deepEqual(
      (recorder.logs.get('loud') ?? []).map((l) => l.pos),
      out.map((_, i) => i),
    );
  });

  test('reassembles UTF-8 characters split across output chunks', async () => {
    const { recorder } = await run(pipeline('utf8', [step('print', [`printf '\\303'; sleep 0.1; printf '\\251t\\303\\251\\r\\n'; printf 'no newline'`])]));
    assert.deepEqual(recorder.out('print').slice(1), ['été', 'no newline']);
  });

  test('runs in working_dir under the workspace and refuses to leave it', async () => {
    const { byName, recorder } = await run(
      pipeline('dirs', [step('sub', ['pwd'], { workingDir: 'sub/dir' }), step('escape', ['true'], { workingDir: '../../..' })]),
    );
    assert.match(recorder.out('sub')[1] ?? '', /\/drone\/src\/sub\/dir$/);
    assert.equal(byName.get('escape')?.status, 'error');
    assert.match(byName.get('escape')?.error ?? '', /leaves the run folder/);
  });

  test('a failing setup fails the pipeline, skips every step and still destroys', async () => {
    const calls: string[] = [];
    const failing: Backend = {
      ...backend,
      id: 'exec',
      setup: async () => {
        calls.push('setup');
        throw new Error('disk full');
      },
      destroy: async () => {
        calls.push('destroy');
      },
    };
    const { result } = await run(pipeline('setup', [step('a', ['true'])]), { backend: failing });
    assert.equal(result.status, 'error');
    assert.equal(result.error, 'disk full');
    assert.equal(result.steps[0]?.result.status, 'skipped');
    assert.deepEqual(calls, ['setup', 'destroy']);
  });

  test('rejects a dependency cycle before running anything', async () => {
    const { result } = await run(
      pipeline('cycle', [step('a', ['true'], { dependsOn: ['b'] }), step('b', ['true'], { dependsOn: ['a'] })]),
    );
    assert.equal(result.status, 'error');
    assert.match(result.error ?? '', /dependency cycle between steps/);
    assert.ok(!existsSync(join(root, `run-${runs}`)));
  });
});
