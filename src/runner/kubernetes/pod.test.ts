import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { ConfigError } from '../../core/index.ts';
import { compilePlan, parsePipelineFile } from '../../pipeline/index.ts';
import { pushContext } from '../../../test/helpers/build-context.ts';
import type { PlanPipeline } from '../../pipeline/index.ts';
import { runtimeAnnotations, undelivered } from './environment.ts';
import { containerName, DNS_LABEL, podName } from './names.ts';
import { buildRunPod } from './pod.ts';
import type { PodDefaults } from './pod.ts';
import { podResources } from './resources.ts';


const pipelineOf = (yaml: string): PlanPipeline => compilePlan(parsePipelineFile(`kind: pipeline\ntype: kubernetes\nname: p\n${yaml}`, '.drone.yml'), pushContext).pipelines[0]!;

const defaults: PodDefaults = { namespace: 'ci', placeholderImage: 'placeholder:1', stopGraceSeconds: 5, deadlineMarginSeconds: 300 };
const now = new Date('2026-01-01T00:00:00Z');

interface Container {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
  workingDir: string;
  imagePullPolicy: string;
  env: { name: string; value?: string; valueFrom?: Record<string, unknown> }[];
  volumeMounts: { name: string; mountPath: string }[];
  resources: unknown;
  securityContext: Record<string, unknown>;
}
interface PodShape {
  metadata: { name: string; namespace: string; labels: Record<string, string>; annotations: Record<string, string> };
  spec: Record<string, unknown> & { containers: Container[]; volumes: unknown[] };
}

describe('the run pod', () => {
  it('is one pod: every step a placeholder container sharing the workspace, services by name on 127.0.0.1', () => {
    const pipeline = pipelineOf(`clone: {disable: true}
services:
- {name: db, image: postgres:16}
steps:
- name: build
  image: golang:1.22
  commands: [go build, go test]
- name: publish
  image: plugins/docker
  settings: {repo: acme/shop}
- name: Odd Name
  image: alpine
  entrypoint: [/bin/app]
  command: [--flag]
  working_dir: sub
`);
    const { pod, containers, name, namespace } = buildRunPod({ id: 'run-1', pipeline }, defaults, now);
    const shape = pod as unknown as PodShape;
    assert.equal(name, 'trunkline-run-1');
    assert.equal(namespace, 'ci');
    assert.deepEqual(shape.metadata.labels, { 'trunkline.io/run': 'run-1', 'app.kubernetes.io/managed-by': 'trunkline' });
    assert.equal(shape.metadata.annotations['trunkline.io/expires'], '2026-01-01T01:05:00.000Z');
    assert.equal(shape.spec.restartPolicy, 'Never');
    assert.equal(shape.spec.activeDeadlineSeconds, 3900);
    assert.equal(shape.spec.terminationGracePeriodSeconds, 5);
    assert.deepEqual(shape.spec.hostAliases, [{ ip: '127.0.0.1', hostnames: ['db', 'build', 'publish'] }]);
    assert.deepEqual(shape.spec.volumes, [{ name: 'workspace', emptyDir: {} }]);
    assert.deepEqual(shape.spec.containers.map((c) => [c.name, c.image]), [['s1-db', 'placeholder:1'], ['s2-build', 'placeholder:1'], ['s3-publish', 'placeholder:1'], ['s4-odd-name', 'placeholder:1']]);
    assert.deepEqual([...containers.values()].map((c) => c.image), ['docker.io/library/postgres:16', 'docker.io/library/golang:1.22', 'docker.io/plugins/docker:latest', 'docker.io/library/alpine:latest']);
    const [db, build, publish, odd] = shape.spec.containers;
    assert.equal(db?.command, undefined);
    assert.deepEqual(build?.command?.slice(0, 2), ['/bin/sh', '-c']);
    assert.match(build?.command?.[2] ?? '', /set -e[\s\S]*go build[\s\S]*go test/);
    assert.equal(build?.workingDir, '/drone/src');
    assert.deepEqual(build?.volumeMounts, [{ name: 'workspace', mountPath: '/drone' }]);
    assert.equal(build?.imagePullPolicy, 'IfNotPresent');
    assert.equal(publish?.command, undefined);
    assert.equal(publish?.imagePullPolicy, 'Always', 'a latest image is pulled every time');
    assert.deepEqual([odd?.command, odd?.args, odd?.workingDir], [['/bin/app'], ['--flag'], '/drone/src/sub']);
    assert.equal(publish?.env.find((e) => e.name === 'PLUGIN_REPO')?.value, 'acme/shop');
    for (const container of shape.spec.containers) assert.deepEqual(container.securityContext, { privileged: false, allowPrivilegeEscalation: false });
  });

  it('keeps secrets in the run Secret, runtime variables in annotations, plain values escaped in the spec', () => {
    const pipeline = pipelineOf(`clone: {disable: true}
steps:
- name: a
  image: alpine
  environment: {TOKEN: {from_secret: token}, REF: "$(HOME)/x"}
  commands: [env]
`);
    const inputs = { secrets: { token: 'tok' }, environment: { TRUNKLINE_SERVER: 'http://ci' }, credentials: { TRUNKLINE_TOKEN: 'job-token' }, timeoutMs: 600_000 };
    const { pod, secret, containers } = buildRunPod({ id: 'r', pipeline, inputs }, defaults, now);
    const env = (pod as unknown as PodShape).spec.containers[0]!.env;
    const byName = Object.fromEntries(env.map((e) => [e.name, e]));
    assert.deepEqual(byName.TOKEN?.valueFrom, { secretKeyRef: { name: 'trunkline-r', key: 's1-a.1' } });
    assert.deepEqual(byName.TRUNKLINE_TOKEN?.valueFrom, { secretKeyRef: { name: 'trunkline-r', key: 's1-a.2' } });
    assert.deepEqual(byName.DRONE_BUILD_STATUS?.valueFrom, { fieldRef: { fieldPath: "metadata.annotations['trunkline.io/env.DRONE_BUILD_STATUS']" } });
    assert.equal(byName.REF?.value, '$$(HOME)/x');
    assert.equal(byName.TRUNKLINE_SERVER?.value, 'http://ci');
    assert.equal(byName.DRONE_WORKSPACE?.value, '/drone/src');
    assert.equal(byName.DRONE_STEP_NUMBER?.value, '1');
    assert.deepEqual(secret.data, { 's1-a.1': Buffer.from('tok').toString('base64'), 's1-a.2': Buffer.from('job-token').toString('base64') });
    assert.ok(!JSON.stringify(pod).includes('job-token'));
    assert.equal((pod as unknown as PodShape).spec.activeDeadlineSeconds, 900);

    const expected = containers.get('a')!.expected;
    const final = { ...expected, DRONE_BUILD_STATUS: 'failure', DRONE_FAILED_STEPS: 'x' };
    assert.deepEqual(undelivered(expected, final), [], 'runtime variables arrive through annotations');
    assert.deepEqual(undelivered(expected, { ...final, LATE: '1' }), ['LATE']);
    assert.deepEqual(runtimeAnnotations(final), {
      'trunkline.io/env.DRONE_BUILD_STATUS': 'failure',
      'trunkline.io/env.DRONE_STAGE_STATUS': 'success',
      'trunkline.io/env.DRONE_FAILED_STEPS': 'x',
    });
  });

  it('takes namespace, labels, node selector, tolerations and service account from the pipeline, else the defaults', () => {
    const given = pipelineOf(`clone: {disable: true}
metadata: {namespace: team, labels: {team: a}, annotations: {note: b}}
node_selector: {disktype: ssd}
tolerations: [{key: gpu, operator: Exists}]
service_account_name: builder
steps: [{name: a, image: alpine, commands: [true]}]
`);
    const withDefaults = { ...defaults, serviceAccountName: 'runner', nodeSelector: { pool: 'ci' }, tolerations: [{ key: 'ci', operator: 'Exists' as const }] };
    const own = buildRunPod({ id: 'r', pipeline: given }, withDefaults, now).pod as unknown as PodShape;
    assert.equal(own.metadata.namespace, 'team');
    assert.equal(own.metadata.labels.team, 'a');
    assert.equal(own.metadata.annotations.note, 'b');
    assert.deepEqual([own.spec.nodeSelector, own.spec.tolerations, own.spec.serviceAccountName], [{ disktype: 'ssd' }, [{ key: 'gpu', operator: 'Exists' }], 'builder']);
    const plain = buildRunPod({ id: 'r', pipeline: pipelineOf('clone: {disable: true}\nsteps: [{name: a, image: alpine, commands: [true]}]\n') }, withDefaults, now).pod as unknown as PodShape;
    assert.equal(plain.metadata.namespace, 'ci');
    assert.deepEqual([plain.spec.nodeSelector, plain.spec.tolerations, plain.spec.serviceAccountName], [{ pool: 'ci' }, [{ key: 'ci', operator: 'Exists' }], 'runner']);
  });

  it('maps volumes, resources and users; refuses privileges and host paths of untrusted repositories', () => {
    const pipeline = pipelineOf(`clone: {disable: true}
volumes:
- {name: cache, temp: {}}
- {name: shm, temp: {medium: memory}}
steps:
- name: a
  image: alpine
  user: "1000:1000"
  volumes: [{name: cache, path: /cache}, {name: shm, path: /dev/shm}]
  resources: {limits: {cpu: 1.5, memory: 1GiB, nvidia.com/gpu: "1"}, requests: {cpu: 250m}}
  commands: [true]
`);
    const pod = buildRunPod({ id: 'r', pipeline }, defaults, now).pod as unknown as PodShape;
    assert.deepEqual(pod.spec.volumes, [{ name: 'workspace', emptyDir: {} }, { name: 'v1', emptyDir: {} }, { name: 'v2', emptyDir: { medium: 'Memory' } }]);
    const container = pod.spec.containers[0]!;
    assert.deepEqual(container.volumeMounts.slice(1), [{ name: 'v1', mountPath: '/cache' }, { name: 'v2', mountPath: '/dev/shm' }]);
    assert.deepEqual(container.resources, { limits: { cpu: '1500m', memory: String(2 ** 30), 'nvidia.com/gpu': '1' }, requests: { cpu: '250m' } });
    assert.deepEqual(container.securityContext, { privileged: false, allowPrivilegeEscalation: false, runAsUser: 1000, runAsGroup: 1000 });

    const privileged = pipelineOf('clone: {disable: true}\nsteps: [{name: dind, image: docker:dind, privileged: true}]\n');
    assert.throws(() => buildRunPod({ id: 'r', pipeline: privileged }, defaults, now), /privileged mode, which only trusted repositories may use/);
    const trusted = buildRunPod({ id: 'r', pipeline: privileged, trusted: true }, defaults, now).pod as unknown as PodShape;
    assert.deepEqual(trusted.spec.containers[0]?.securityContext, { privileged: true });
    const host = pipelineOf('clone: {disable: true}\nvolumes: [{name: sock, host: {path: /var/run/docker.sock}}]\nsteps: [{name: a, image: alpine, volumes: [{name: sock, path: /s}]}]\n');
    assert.throws(() => buildRunPod({ id: 'r', pipeline: host }, defaults, now), ConfigError);
    const named = pipelineOf('clone: {disable: true}\nsteps: [{name: a, image: alpine, user: root, commands: [true]}]\n');
    assert.throws(() => buildRunPod({ id: 'r', pipeline: named }, defaults, now), /numeric uid/);
    assert.throws(() => podResources('a', { limits: { disk: 'lots' } }), /not a Kubernetes resource quantity/);
  });

  it('names are valid Kubernetes names for any run id and step name', () => {
    const subdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 63 }), fc.string({ minLength: 1, maxLength: 80 }), fc.nat(500), (runId, step, index) => {
        const pod = podName(runId);
        assert.ok(subdomain.test(pod) && pod.length <= 63, pod);
        const container = containerName(index + 1, step);
        assert.ok(DNS_LABEL.test(container), container);
      }),
    );
    assert.notEqual(podName('Run_1'), podName('run-1'), 'ids that differ get different names');
  });
});
