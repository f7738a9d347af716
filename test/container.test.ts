import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { silentLogger } from '../src/core/index.ts';
import { compilePlan, parsePipelineFile } from '../src/pipeline/index.ts';
import { pushContext } from './helpers/build-context.ts';
import type { Plan } from '../src/pipeline/index.ts';
import { containerBackend, runPlan } from '../src/runner/index.ts';
import type { PlanPipelineResult } from '../src/runner/index.ts';
import { BUSYBOX_IMAGE, ensureBusyboxImage, hasCli } from './helpers/busybox-image.ts';

/**
 * The container backend against real podman, with a local busybox image
 * (no registry, no internet). Skipped only where podman is not installed.
 */
const skip = hasCli('podman') ? false : 'podman is not installed (apt-get install podman)';


const plan = (yaml: string): Plan => compilePlan(parsePipelineFile(yaml, '.drone.yml'), pushContext);

/** Containers, networks and volumes podman has with the run's label. */
function labelled(runId: string): string[] {
  const filter = ['--filter', `label=trunkline.run=${runId}`];
  return [['ps', '--all', '--quiet'], ['network', 'ls', '--quiet'], ['volume', 'ls', '--quiet']].flatMap((args) =>
    execFileSync('podman', [...args, ...filter], { encoding: 'utf8' }).split('\n').filter(Boolean),
  );
}

function stepsOf(result: PlanPipelineResult | undefined) {
  return Object.fromEntries((result?.steps ?? []).map((s) => [s.name, s.result]));
}

describe('container backend (podman)', { skip }, () => {
  before(() => ensureBusyboxImage());

  test('runs a type: docker pipeline with a service, a shared workspace, secrets and a failing step; leaves nothing', async () => {
    const image = `image: ${BUSYBOX_IMAGE}\n  pull: never`;
    const yaml = `kind: pipeline
type: docker
name: main
clone: {disable: true}
services:
- name: web
  ${image}
  commands: [httpd -f -p 80 -h /drone/src]
steps:
- name: write
  ${image}
  environment: {TOKEN: {from_secret: token}, CERT: {from_secret: cert}}
  resources: {limits: {memory: 64MiB, cpu: 500}}
  commands:
  - pwd
  - echo "$DRONE_WORKSPACE $DRONE_STEP_NAME"
  - echo hello > shared.txt
  - echo "token=$TOKEN"
  - echo "$CERT" | wc -l
- name: read
  ${image}
  commands:
  - cat shared.txt
  - for i in 1 2 3 4 5 6 7 8 9 10; do wget -q -O - http://web/shared.txt && break; sleep 1; done
- name: fail
  ${image}
  commands: [exit 3]
- name: never
  ${image}
  commands: [echo unreachable]
---
kind: pipeline
type: docker
name: absent
clone: {disable: true}
steps:
- name: missing
  image: localhost/trunkline-test-absent:1
  pull: never
  commands: [true]
`;
    const runId = `ctest-${randomBytes(4).toString('hex')}`;
    const logs = new Map<string, string[]>();
    const result = await runPlan({
      plan: plan(yaml),
      runId,
      secrets: { token: 's3cr3t-t0ken', cert: 'line one\nline two' },
      logger: silentLogger,
      backendConfig: { container: { engine: 'podman', stopGraceMs: 0 } },
      observer: {
        pipelineStarted() {},
        pipelineFinished() {},
        stepStarted() {},
        stepLog(pipeline, step, lines) {
          const key = `${pipeline.name}/${step.name}`;
          logs.set(key, [...(logs.get(key) ?? []), ...lines.map((l) => l.out)]);
        },
        stepFinished() {},
      },
    });

    const main = stepsOf(result.pipelines[0]?.result);
    assert.equal(result.pipelines[0]?.result.status, 'failure');
    assert.equal(main.write?.status, 'success');
    assert.deepEqual(logs.get('main/write'), [
      '+ pwd',
      '/drone/src',
      '+ echo "$DRONE_WORKSPACE $DRONE_STEP_NAME"',
      '/drone/src write',
      '+ echo hello > shared.txt',
      '+ echo "token=$TOKEN"',
      'token=********',
      '+ echo "$CERT" | wc -l',
      '2',
    ]);
    // The workspace is shared, and the service is reachable by its name.
    assert.equal(main.read?.status, 'success');
    assert.deepEqual(logs.get('main/read')?.filter((line) => line === 'hello'), ['hello', 'hello']);
    assert.equal(main.fail?.status, 'failure');
    assert.equal(main.fail?.status === 'failure' ? main.fail.exitCode : undefined, 3);
    assert.equal(main.never?.status, 'skipped');
    assert.equal(main.web?.status, 'success');
    // The first container of the run starts podman's DNS server, whose chatter is not the service's output.
    assert.deepEqual(logs.get('main/web'), ['+ httpd -f -p 80 -h /drone/src']);
    assert.ok(![...logs.values()].flat().some((line) => line.includes('s3cr3t')));

    const absent = result.pipelines[1]?.result;
    assert.equal(absent?.status, 'error');
    const missing = stepsOf(absent).missing;
    assert.match(missing?.status === 'error' ? (missing.error ?? '') : '', /trunkline-test-absent/);

    assert.deepEqual(labelled(`${runId}-1`), []);
    assert.deepEqual(labelled(`${runId}-2`), []);
  });

  test('reap removes the containers, network and volumes of a run whose process died', async () => {
    const config = containerBackend.configSchema.parse({ engine: 'podman', stopGraceMs: 0 });
    const [pipeline] = plan(
      `kind: pipeline\ntype: docker\nname: long\nclone: {disable: true}\nsteps:\n- name: sleep\n  image: ${BUSYBOX_IMAGE}\n  pull: never\n  commands: [sleep 600]\n`,
    ).pipelines;
    const run = { id: `creap-${randomBytes(4).toString('hex')}`, pipeline: pipeline! };
    const crashed = containerBackend.create(config, { logger: silentLogger });
    await crashed.setup(run);
    await crashed.start(run, { step: pipeline!.steps[0]!, env: {} });
    assert.equal(labelled(run.id).length, 3, 'a container, a network and a volume');

    // A new process knows nothing of the run but its id.
    const next = containerBackend.create(config, { logger: silentLogger });
    await next.reap?.(run.id);
    assert.deepEqual(labelled(run.id), []);
    // The dead run's log stream ended with its container.
    for await (const chunk of crashed.tail(run, { step: pipeline!.steps[0]!, env: {} })) assert.ok(chunk.length >= 0);
  });
});
