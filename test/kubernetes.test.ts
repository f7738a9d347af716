/**
 * The kubernetes backend running real `type: kubernetes` pipelines. Against
 * the cluster of TRUNKLINE_TEST_KUBECONFIG when set (busybox images, a
 * namespace of its own, removed afterwards); otherwise against the fake API
 * server with the fake kubelet (`test/kube-fake/kubelet.ts`), which runs each
 * container's command as a local process. Only assertions about what the
 * fake kubelet alone can show (its processes, the pod spec captured as it was
 * created) are skipped on a real cluster.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../src/core/index.ts';
import { createKubeClient } from '../src/kube/index.ts';
import type { KubeObject, PodClient } from '../src/kube/index.ts';
import { compilePlan, parsePipelineFile } from '../src/pipeline/index.ts';
import { pushContext } from './helpers/build-context.ts';
import type { PlanPipeline } from '../src/pipeline/index.ts';
import { kubernetesBackend, runPipeline, runPlan } from '../src/runner/index.ts';
import type { Backend, PlanPipelineResult, RunObserver, StepResult } from '../src/runner/index.ts';
import { startFakeApiServer, startFakeKubelet } from './kube-fake/index.ts';
import type { FakeApiServer, FakeKubelet, JsonObject } from './kube-fake/index.ts';
import { waitFor } from './helpers/wait.ts';

const realKubeconfig = process.env.TRUNKLINE_TEST_KUBECONFIG;
const PLACEHOLDER = 'docker.io/drone/placeholder:1';
const IMAGE = 'docker.io/library/busybox:1.36';


const pipelineOf = (yaml: string): PlanPipeline => compilePlan(parsePipelineFile(yaml, '.drone.yml'), pushContext).pipelines[0]!;

function recorder() {
  const logs = new Map<string, string[]>();
  const started = new Set<string>();
  const observer: RunObserver = {
    stepStarted(step) {
      started.add(step.name);
    },
    stepLog(step, lines) {
      logs.set(step.name, [...(logs.get(step.name) ?? []), ...lines.map((l) => l.out)]);
    },
    stepFinished() {},
  };
  return { logs, started, observer };
}

const stepsOf = (result: { steps: { name: string; result: StepResult }[] } | undefined) => Object.fromEntries((result?.steps ?? []).map((s) => [s.name, s.result]));
const exitOf = (result: StepResult | undefined) => (result?.status === 'failure' || result?.status === 'success' ? result.exitCode : undefined);

describe(realKubeconfig ? 'kubernetes backend on the cluster of TRUNKLINE_TEST_KUBECONFIG' : 'kubernetes backend on the fake API server and kubelet', () => {
  let fake: FakeApiServer | undefined;
  let kubelet: FakeKubelet | undefined;
  let dir: string;
  let kubeconfigPath: string;
  let client: PodClient;
  const namespace = `tl-kube-${randomBytes(3).toString('hex')}`;
  const createdPods: JsonObject[] = [];
  const config = () => kubernetesBackend.configSchema.parse({ kubeconfig: kubeconfigPath, namespace, placeholderImage: PLACEHOLDER, stopGraceSeconds: 1 });
  const backend = (): Backend => kubernetesBackend.create(config(), { logger: silentLogger });
  const leftovers = async (runId: string) => {
    const selector = { namespace, labelSelector: `trunkline.io/run=${runId}` };
    const [pods, secrets] = await Promise.all([client.list({ apiVersion: 'v1', kind: 'Pod' }, selector), client.list({ apiVersion: 'v1', kind: 'Secret' }, selector)]);
    // A real cluster deletes in the background: objects being deleted are on their way out.
    return [...pods.items, ...secrets.items].filter((o: KubeObject) => !o.metadata.deletionTimestamp).map((o) => `${o.kind}/${o.metadata.name}`);
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kube-backend-'));
    kubeconfigPath = join(dir, 'kubeconfig');
    if (realKubeconfig) {
      writeFileSync(kubeconfigPath, realKubeconfig.includes('\n') ? realKubeconfig : readFileSync(realKubeconfig, 'utf8'));
    } else {
      fake = await startFakeApiServer({ bookmarkIntervalMs: 0 });
      kubelet = startFakeKubelet(fake, { placeholderImage: PLACEHOLDER });
      fake.onChange(({ type, object }) => {
        if (type === 'ADDED' && object.kind === 'Pod') createdPods.push(structuredClone(object));
      });
      writeFileSync(kubeconfigPath, fake.kubeconfig);
    }
    client = createKubeClient({ kubeconfig: readFileSync(kubeconfigPath, 'utf8') });
    await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
  });

  after(async () => {
    await client.delete({ apiVersion: 'v1', kind: 'Namespace', name: namespace }).catch(() => false);
    await client.close();
    await kubelet?.stop();
    await fake?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('is available with a working kubeconfig and says why not without one', async () => {
    assert.deepEqual(await kubernetesBackend.isAvailable(config()), { available: true });
    const missing = await kubernetesBackend.isAvailable(kubernetesBackend.configSchema.parse({ kubeconfig: join(dir, 'none') }));
    assert.equal(missing.available, false);
    assert.match(missing.available ? '' : missing.reason, /kubeconfig .*none cannot be read/);
  });

  test('runs steps in order in one pod with a shared workspace, a service, masked secrets and a failing step; leaves nothing', async () => {
    // The service listens on 127.0.0.1 (the pod's network): on a cluster also by its name through hostAliases.
    const serve = realKubeconfig ? 'httpd -f -p 8080 -h /drone/src' : `node -e "require('http').createServer((q, s) => s.end('served ' + process.cwd())).listen(8080)"`;
    const fetch = realKubeconfig
      ? 'for i in 1 2 3 4 5 6 7 8 9 10; do wget -q -O - http://web:8080/shared.txt && break; sleep 1; done'
      : `node -e "(async () => { for (let i = 0; i < 50; i++) { try { console.log(await (await fetch('http://127.0.0.1:8080/')).text()); return; } catch { await new Promise((r) => setTimeout(r, 100)); } } process.exit(1); })()"`;
    const pipeline = pipelineOf(`kind: pipeline
type: kubernetes
name: main
clone: {disable: true}
services:
- name: web
  image: ${IMAGE}
  commands: [${JSON.stringify(serve)}]
steps:
- name: write
  image: ${IMAGE}
  environment: {TOKEN: {from_secret: token}, CERT: {from_secret: cert}, PRICE: "$(HOME) costs"}
  commands:
  - echo "$DRONE_STEP_NAME $DRONE_BUILD_STATUS"
  - echo hello > shared.txt
  - echo "token=$TOKEN"
  - echo "$CERT" | wc -l
  - echo "$PRICE"
- name: read
  image: ${IMAGE}
  commands:
  - cat shared.txt
  - ${JSON.stringify(fetch)}
- name: fail
  image: ${IMAGE}
  commands: [exit 3]
- name: after-failure
  image: ${IMAGE}
  commands: [echo "status=$DRONE_BUILD_STATUS failed=$DRONE_FAILED_STEPS"]
  when: {status: [failure]}
- name: never
  image: ${IMAGE}
  commands: [echo unreachable]
`);
    const runId = `k${randomBytes(4).toString('hex')}`;
    const { logs, observer } = recorder();
    const result = await runPipeline({
      run: { id: runId, pipeline },
      backend: backend(),
      secrets: { token: 's3cr3t-t0ken', cert: 'line one\nline two' },
      observer,
      logger: silentLogger,
    });
    const steps = stepsOf(result);
    assert.equal(result.status, 'failure');
    assert.equal(steps.write?.status, 'success');
    assert.deepEqual(logs.get('write'), [
      '+ echo "$DRONE_STEP_NAME $DRONE_BUILD_STATUS"',
      'write success',
      '+ echo hello > shared.txt',
      '+ echo "token=$TOKEN"',
      'token=********',
      '+ echo "$CERT" | wc -l',
      '2',
      '+ echo "$PRICE"',
      '$(HOME) costs',
    ]);
    assert.equal(steps.read?.status, 'success');
    assert.equal(logs.get('read')?.[1], 'hello', 'the workspace is shared');
    assert.ok(logs.get('read')?.some((line) => line.startsWith(realKubeconfig ? 'hello' : 'served ')), 'the service answered');
    assert.equal(steps.fail?.status, 'failure');
    assert.equal(exitOf(steps.fail), 3);
    assert.equal(steps['after-failure']?.status, 'success');
    assert.deepEqual(logs.get('after-failure')?.slice(1), ['status=failure failed=fail'], 'runtime variables reach a step that starts later');
    assert.equal(steps.never?.status, 'skipped');
    assert.ok(![...logs.values()].flat().some((line) => line.includes('s3cr3t')));

    await waitFor(async () => (await leftovers(runId)).length === 0, 'the pod and its secret are gone');
    if (fake) {
      const pod = createdPods.find((p) => (p.metadata as JsonObject).name === `trunkline-${runId}`) as { spec: { hostAliases: unknown; containers: { image: string; env: { name: string; value?: string; valueFrom?: unknown }[]; securityContext: unknown }[] } } | undefined;
      assert.ok(pod, 'the pod was created');
      assert.deepEqual(pod.spec.hostAliases, [{ ip: '127.0.0.1', hostnames: ['web', 'write', 'read', 'fail', 'after-failure', 'never'] }]);
      assert.ok(pod.spec.containers.every((c) => c.image === PLACEHOLDER), 'every container starts as the placeholder');
      const env = pod.spec.containers[1]!.env;
      assert.deepEqual(env.find((e) => e.name === 'TOKEN')?.valueFrom, { secretKeyRef: { name: `trunkline-${runId}`, key: 's2-write.1' } });
      assert.ok(!JSON.stringify(pod).includes('s3cr3t'), 'no secret value in the pod');
      assert.equal(kubelet?.processCount(), 0);
    }
  });

  test('a step past its timeout is stopped by swapping the placeholder back; later steps still run', async () => {
    const pipeline = pipelineOf(`kind: pipeline
type: kubernetes
name: main
clone: {disable: true}
steps:
- name: slow
  image: ${IMAGE}
  commands: [echo begun, sleep 600]
- name: cleanup
  image: ${IMAGE}
  commands: [echo cleaned]
  when: {status: [failure]}
`);
    const runId = `k${randomBytes(4).toString('hex')}`;
    const { logs, observer } = recorder();
    const result = await runPipeline({ run: { id: runId, pipeline }, backend: backend(), secrets: {}, observer, logger: silentLogger, stepTimeoutMs: realKubeconfig ? 20_000 : 1500 });
    const steps = stepsOf(result);
    assert.equal(steps.slow?.status, 'failure');
    assert.match(steps.slow?.status === 'failure' ? (steps.slow.reason ?? '') : '', /time/);
    assert.ok([137, 143].includes(exitOf(steps.slow) ?? 0), 'ended by SIGTERM or SIGKILL');
    assert.equal(steps.cleanup?.status, 'success');
    assert.deepEqual(logs.get('cleanup'), ['+ echo cleaned', 'cleaned']);
    await waitFor(async () => (await leftovers(runId)).length === 0, 'nothing left');
  });

  test('cancel stops the running step and deletes the pod', async () => {
    const pipeline = pipelineOf(`kind: pipeline\ntype: kubernetes\nname: main\nclone: {disable: true}\nsteps:\n- name: long\n  image: ${IMAGE}\n  commands: [echo running, sleep 600]\n`);
    const runId = `k${randomBytes(4).toString('hex')}`;
    const { logs, observer } = recorder();
    const cancel = new AbortController();
    const done = runPipeline({ run: { id: runId, pipeline }, backend: backend(), secrets: {}, observer, logger: silentLogger, signal: cancel.signal });
    await waitFor(() => logs.get('long')?.includes('running') === true, 'the step runs');
    cancel.abort();
    const result = await done;
    assert.equal(stepsOf(result).long?.status, 'killed');
    await waitFor(async () => (await leftovers(runId)).length === 0, 'the pod is deleted');
    if (kubelet) assert.equal(kubelet.processCount(), 0);
  });

  test('reap removes the pod and secret of a run whose process died; expired runs are swept', async () => {
    const pipeline = pipelineOf(`kind: pipeline\ntype: kubernetes\nname: long\nclone: {disable: true}\nsteps:\n- name: sleep\n  image: ${IMAGE}\n  commands: [sleep 600]\n`);
    const run = { id: `k${randomBytes(4).toString('hex')}`, pipeline };
    const crashed = backend();
    await crashed.setup(run);
    await crashed.start(run, { step: pipeline.steps[0]!, env: {} });
    assert.deepEqual((await leftovers(run.id)).sort(), [`Pod/trunkline-${run.id}`, `Secret/trunkline-${run.id}`]);
    // A new process knows nothing of the run but its id.
    await backend().reap?.(run.id);
    await waitFor(async () => (await leftovers(run.id)).length === 0, 'reaped');
    if (kubelet) await waitFor(() => kubelet!.processCount() === 0, 'its process was killed');

    // A run created two hours ago with a one-minute timeout has expired: the next setup in the namespace sweeps it.
    const old = { id: `k${randomBytes(4).toString('hex')}`, pipeline, inputs: { secrets: {}, environment: {}, credentials: {}, timeoutMs: 60_000 } };
    const past = kubernetesBackend.create(kubernetesBackend.configSchema.parse({ ...config(), deadlineMarginSeconds: 0 }), { logger: silentLogger });
    // The clock is not configurable through the definition; a run whose expiry is in the past is made by editing it.
    await past.setup(old);
    for (const kind of ['Pod', 'Secret']) {
      await client.patch({ apiVersion: 'v1', kind, namespace, name: `trunkline-${old.id}` }, { metadata: { annotations: { 'trunkline.io/expires': new Date(Date.now() - 3_600_000).toISOString() } } });
    }
    const fresh = { id: `k${randomBytes(4).toString('hex')}`, pipeline };
    const next = backend();
    await next.setup(fresh);
    await waitFor(async () => (await leftovers(old.id)).length === 0, 'the expired run was swept');
    assert.equal((await leftovers(fresh.id)).length, 2, 'the live run stays');
    await next.destroy(fresh);
    await past.destroy(old);
  });

  test('the pod carries the pipeline resources, node selector, tolerations, service account and no privileges', async () => {
    await client.create({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'builder', namespace } });
    const pipeline = pipelineOf(`kind: pipeline
type: kubernetes
name: build
clone: {disable: true}
metadata: {labels: {team: shop}}
node_selector: {disktype: ssd}
tolerations: [{key: dedicated, operator: Equal, value: ci, effect: NoSchedule}]
service_account_name: builder
steps:
- name: image
  image: ghcr.io/trunkline/trunkline:latest
  resources: {requests: {cpu: 250, memory: 64MiB}, limits: {cpu: 1000, memory: 256MiB}}
  commands: [trunkline image build --context . --push registry.local/acme/shop:1]
`);
    const run = { id: `k${randomBytes(4).toString('hex')}`, pipeline };
    const b = backend();
    await b.setup(run);
    try {
      const pod = (await client.get({ apiVersion: 'v1', kind: 'Pod', namespace, name: `trunkline-${run.id}` })) as unknown as {
        metadata: { labels: Record<string, string> };
        spec: { nodeSelector: unknown; tolerations: unknown; serviceAccountName: string; activeDeadlineSeconds: number; containers: { resources: unknown; securityContext: Record<string, unknown> }[] };
      };
      assert.equal(pod.metadata.labels.team, 'shop');
      assert.equal(pod.metadata.labels['trunkline.io/run'], run.id);
      assert.deepEqual(pod.spec.nodeSelector, { disktype: 'ssd' });
      assert.deepEqual(pod.spec.tolerations, [{ key: 'dedicated', operator: 'Equal', value: 'ci', effect: 'NoSchedule' }]);
      assert.equal(pod.spec.serviceAccountName, 'builder');
      assert.equal(pod.spec.activeDeadlineSeconds, 3600 + 300);
      const container = pod.spec.containers[0]!;
      assert.deepEqual(container.resources, { requests: { cpu: '250m', memory: String(64 * 2 ** 20) }, limits: { cpu: '1000m', memory: String(256 * 2 ** 20) } });
      // The daemonless builder needs no privileges: none are asked for.
      assert.equal(container.securityContext.privileged, false);
      assert.equal(container.securityContext.allowPrivilegeEscalation, false);
    } finally {
      await b.destroy(run);
    }
    assert.deepEqual(await leftovers(run.id), []);
  });

  test('runs every pipeline of a plan through the backend pool when configured', async () => {
    const plan = compilePlan(parsePipelineFile(`kind: pipeline\ntype: kubernetes\nname: one\nclone: {disable: true}\nsteps:\n- name: hi\n  image: ${IMAGE}\n  commands: [echo hi]\n`, '.drone.yml'), pushContext);
    const result = await runPlan({
      plan,
      secrets: {},
      logger: silentLogger,
      backendConfig: { kubernetes: { kubeconfig: kubeconfigPath, namespace, placeholderImage: PLACEHOLDER } },
      observer: { pipelineStarted() {}, pipelineFinished() {}, stepStarted() {}, stepLog() {}, stepFinished() {} },
    });
    const first: PlanPipelineResult | undefined = result.pipelines[0]?.result;
    assert.equal(first?.status, 'success');
  });
});
