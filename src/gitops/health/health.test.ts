import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../artifacts/index.ts';
import { HealthRegistry, appHealth } from './index.ts';

const registry = new HealthRegistry();
const health = (o: KubeObject) => registry.healthOf(o);

/** Shaped like `kubectl get deployment web -o json` (fields health reads, plus the usual noise). */
function deployment(status: Record<string, unknown>, spec: Record<string, unknown> = {}, generation = 4): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'prod', generation, resourceVersion: '1234', annotations: { 'deployment.kubernetes.io/revision': '4' } } as KubeObject['metadata'],
    spec: { replicas: 3, selector: { matchLabels: { app: 'web' } }, strategy: { type: 'RollingUpdate' }, ...spec },
    status,
  };
}
const progressingCondition = (reason: string, status = 'True') => ({
  type: 'Progressing',
  status,
  reason,
  message: reason === 'NewReplicaSetAvailable' ? 'ReplicaSet "web-7d9c" has successfully progressed.' : 'ReplicaSet "web-7d9c" has timed out progressing.',
  lastUpdateTime: '2025-03-01T10:00:00Z',
  lastTransitionTime: '2025-03-01T09:50:00Z',
});
const available = { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.' };

test('Deployment: rolled out, rollout in progress, old replicas terminating, unobserved spec, stuck, paused', () => {
  const done = { observedGeneration: 4, replicas: 3, updatedReplicas: 3, readyReplicas: 3, availableReplicas: 3, conditions: [available, progressingCondition('NewReplicaSetAvailable')] };
  assert.deepEqual(health(deployment(done)), { status: 'Healthy', message: 'Deployment "web" successfully rolled out' });

  const rolling = { observedGeneration: 4, replicas: 4, updatedReplicas: 1, readyReplicas: 3, availableReplicas: 3, unavailableReplicas: 1, conditions: [available, progressingCondition('ReplicaSetUpdated')] };
  assert.deepEqual(health(deployment(rolling)), { status: 'Progressing', message: 'Waiting for rollout to finish: 1 out of 3 new replicas have been updated...' });

  const terminating = { ...done, replicas: 4 };
  assert.match(health(deployment(terminating)).message, /1 old replicas are pending termination/);
  const unavailable = { ...done, availableReplicas: 2 };
  assert.deepEqual(health(deployment(unavailable)), { status: 'Progressing', message: 'Waiting for rollout to finish: 2 of 3 updated replicas are available...' });

  assert.equal(health(deployment({ ...done, observedGeneration: 3 })).status, 'Progressing');

  const stuck = { observedGeneration: 4, replicas: 4, updatedReplicas: 1, readyReplicas: 3, availableReplicas: 3, conditions: [available, progressingCondition('ProgressDeadlineExceeded', 'False')] };
  assert.deepEqual(health(deployment(stuck)), { status: 'Degraded', message: 'Deployment "web" exceeded its progress deadline' });

  assert.equal(health(deployment(done, { paused: true })).status, 'Suspended');
  assert.equal(health(deployment({}, {}, 1)).status, 'Progressing', 'just created, nothing observed');
});

test('StatefulSet: rolling update in progress, complete, partitioned, OnDelete, pods not ready', () => {
  const sts = (spec: Record<string, unknown>, status: Record<string, unknown>): KubeObject => ({
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'db', namespace: 'prod', generation: 2 } as KubeObject['metadata'],
    spec: { replicas: 3, serviceName: 'db', updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } }, ...spec },
    status: { observedGeneration: 2, replicas: 3, readyReplicas: 3, currentReplicas: 3, updatedReplicas: 3, currentRevision: 'db-5d8f', updateRevision: 'db-5d8f', collisionCount: 0, availableReplicas: 3, ...status },
  });
  assert.equal(health(sts({}, {})).status, 'Healthy');
  assert.deepEqual(health(sts({}, { updatedReplicas: 1, currentReplicas: 2, updateRevision: 'db-6a1b' })), { status: 'Progressing', message: 'waiting for statefulset rolling update to complete 1 pods at revision db-6a1b...' });
  assert.deepEqual(health(sts({}, { readyReplicas: 1 })), { status: 'Progressing', message: 'Waiting for 2 pods to be ready...' });
  const partitioned = { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 2 } } };
  assert.equal(health(sts(partitioned, { updatedReplicas: 1, updateRevision: 'db-6a1b' })).status, 'Healthy');
  assert.equal(health(sts(partitioned, { updatedReplicas: 0, updateRevision: 'db-6a1b' })).status, 'Progressing');
  assert.equal(health(sts({ updateStrategy: { type: 'OnDelete' } }, { updateRevision: 'db-6a1b' })).status, 'Healthy');
  assert.equal(health(sts({}, { observedGeneration: 1 })).status, 'Progressing');
});

test('DaemonSet: rolled out, updating, unavailable', () => {
  const ds = (status: Record<string, unknown>): KubeObject => ({
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'agent', namespace: 'kube-system', generation: 5 } as KubeObject['metadata'],
    spec: { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1 } } },
    status: { currentNumberScheduled: 3, desiredNumberScheduled: 3, numberAvailable: 3, numberMisscheduled: 0, numberReady: 3, observedGeneration: 5, updatedNumberScheduled: 3, ...status },
  });
  assert.equal(health(ds({})).status, 'Healthy');
  assert.match(health(ds({ updatedNumberScheduled: 1 })).message, /1 out of 3 new pods have been updated/);
  assert.match(health(ds({ numberAvailable: 2, numberUnavailable: 1 })).message, /2 of 3 updated pods are available/);
  assert.equal(health(ds({ observedGeneration: 4 })).status, 'Progressing');
});

test('Job: running, complete, failed, suspended', () => {
  const job = (spec: Record<string, unknown>, status: Record<string, unknown>): KubeObject => ({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'migrate', namespace: 'prod' }, spec: { backoffLimit: 6, ...spec }, status });
  assert.equal(health(job({}, { active: 1, startTime: '2025-03-01T10:00:00Z' })).status, 'Progressing');
  assert.equal(health(job({}, { succeeded: 1, conditions: [{ type: 'SuccessCriteriaMet', status: 'True' }, { type: 'Complete', status: 'True', lastTransitionTime: '2025-03-01T10:01:00Z' }] })).status, 'Healthy');
  assert.deepEqual(health(job({}, { failed: 7, conditions: [{ type: 'FailureTarget', status: 'True' }, { type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' }] })), {
    status: 'Degraded',
    message: 'Job has reached the specified backoff limit',
  });
  assert.equal(health(job({ suspend: true }, { conditions: [{ type: 'Suspended', status: 'True', reason: 'JobSuspended' }] })).status, 'Suspended');
});

test('Pod: CrashLoopBackOff and ImagePullBackOff are Degraded; running, pending and completed pods', () => {
  const pod = (status: Record<string, unknown>, restartPolicy = 'Always'): KubeObject => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web-7d9c-abcde', namespace: 'prod' },
    spec: { restartPolicy, containers: [{ name: 'web', image: 'registry.example.com/web:42' }] },
    status,
  });
  const crashing = {
    phase: 'Running',
    conditions: [{ type: 'Ready', status: 'False', reason: 'ContainersNotReady' }],
    containerStatuses: [
      {
        name: 'web',
        ready: false,
        restartCount: 5,
        image: 'registry.example.com/web:42',
        state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 2m40s restarting failed container=web pod=web-7d9c-abcde_prod(…)' } },
        lastState: { terminated: { exitCode: 1, reason: 'Error' } },
      },
    ],
  };
  const crash = health(pod(crashing));
  assert.equal(crash.status, 'Degraded');
  assert.match(crash.message, /^container "web": CrashLoopBackOff: back-off/);
  const pulling = { phase: 'Pending', containerStatuses: [{ name: 'web', ready: false, restartCount: 0, state: { waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image' } } }] };
  assert.equal(health(pod(pulling)).status, 'Degraded');
  const creating = { phase: 'Pending', containerStatuses: [{ name: 'web', ready: false, state: { waiting: { reason: 'ContainerCreating' } } }] };
  assert.equal(health(pod(creating)).status, 'Progressing');
  const running = { phase: 'Running', containerStatuses: [{ name: 'web', ready: true, state: { running: { startedAt: '2025-03-01T10:00:00Z' } } }] };
  assert.equal(health(pod(running)).status, 'Healthy');
  assert.equal(health(pod({ ...running, containerStatuses: [{ name: 'web', ready: false, state: { running: {} } }] })).status, 'Progressing');
  assert.equal(health(pod(running, 'Never')).status, 'Progressing', 'a run-to-completion pod still running');
  assert.equal(health(pod({ phase: 'Succeeded' }, 'Never')).status, 'Healthy');
  assert.equal(health(pod({ phase: 'Failed', reason: 'Evicted', message: 'The node was low on resource: memory.' })).status, 'Degraded');
});

test('PersistentVolumeClaim, LoadBalancer Service, Ingress and HPA', () => {
  const pvc = (phase: string): KubeObject => ({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data', namespace: 'prod' }, spec: { resources: { requests: { storage: '1Gi' } } }, status: { phase } });
  assert.deepEqual(['Bound', 'Pending', 'Lost'].map((p) => health(pvc(p)).status), ['Healthy', 'Progressing', 'Degraded']);

  const svc = (type: string, status: Record<string, unknown>): KubeObject => ({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'prod' }, spec: { type, ports: [{ port: 80 }] }, status });
  assert.equal(health(svc('ClusterIP', { loadBalancer: {} })).status, 'Healthy');
  assert.equal(health(svc('LoadBalancer', { loadBalancer: {} })).status, 'Progressing');
  assert.deepEqual(health(svc('LoadBalancer', { loadBalancer: { ingress: [{ ip: '203.0.113.10', ipMode: 'VIP' }] } })), { status: 'Healthy', message: 'load balancer at 203.0.113.10' });

  const ing = (status: Record<string, unknown>): KubeObject => ({ apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'web', namespace: 'prod' }, spec: { rules: [] }, status });
  assert.equal(health(ing({ loadBalancer: {} })).status, 'Progressing');
  assert.equal(health(ing({ loadBalancer: { ingress: [{ hostname: 'lb.example.com' }] } })).status, 'Healthy');

  const hpa = (conditions?: unknown[]): KubeObject => ({
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: 'web', namespace: 'prod' },
    spec: { minReplicas: 2, maxReplicas: 5 },
    status: { currentReplicas: 2, desiredReplicas: 2, ...(conditions ? { conditions } : {}) },
  });
  assert.equal(health(hpa()).status, 'Progressing');
  const able = { type: 'AbleToScale', status: 'True', reason: 'ReadyForNewScale', message: 'recommended size matches current size' };
  assert.equal(health(hpa([able, { type: 'ScalingActive', status: 'True', reason: 'ValidMetricFound' }, { type: 'ScalingLimited', status: 'True', reason: 'TooFewReplicas' }])).status, 'Healthy');
  const failing = health(hpa([able, { type: 'ScalingActive', status: 'False', reason: 'FailedGetResourceMetric', message: 'the HPA was unable to compute the replica count' }]));
  assert.deepEqual(failing, { status: 'Degraded', message: 'FailedGetResourceMetric: the HPA was unable to compute the replica count' });
});

test('custom kinds: Healthy when present without a check; registerHealthCheck adds or overrides; a throwing check is Unknown', () => {
  const widget: KubeObject = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'prod' }, status: { ready: false } };
  assert.equal(health(widget).status, 'Healthy');
  const custom = new HealthRegistry().registerHealthCheck('example.com', 'Widget', (o) => ((o.status as { ready: boolean }).ready ? { status: 'Healthy', message: '' } : { status: 'Progressing', message: 'not ready' }));
  assert.deepEqual(custom.healthOf(widget), { status: 'Progressing', message: 'not ready' });
  custom.registerHealthCheck('', 'Service', () => {
    throw new Error('boom');
  });
  assert.deepEqual(custom.healthOf({ apiVersion: 'v1', kind: 'Service', metadata: { name: 's' } }), { status: 'Unknown', message: 'health check failed: boom' });
  assert.equal(health(widget).status, 'Healthy', 'other registries unaffected');
});

test('appHealth: worst wins (Degraded > Missing > Progressing > Suspended > Healthy), missing objects, empty app', () => {
  const cm = (name: string): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'prod' } });
  const done = deployment({ observedGeneration: 4, replicas: 3, updatedReplicas: 3, availableReplicas: 3 });
  const paused = deployment({ observedGeneration: 4 }, { paused: true });
  const rolling = deployment({ observedGeneration: 4, replicas: 3, updatedReplicas: 1, availableReplicas: 3 });
  const stuck = deployment({ observedGeneration: 4, conditions: [progressingCondition('ProgressDeadlineExceeded', 'False')] });

  assert.equal(appHealth([]).status, 'Healthy');
  assert.equal(appHealth([cm('a'), done]).status, 'Healthy');
  assert.equal(appHealth([done, paused]).status, 'Suspended');
  assert.equal(appHealth([paused, rolling]).status, 'Progressing');
  const missing = appHealth([rolling, { desired: cm('gone') }, { desired: cm('here'), live: cm('here') }]);
  assert.equal(missing.status, 'Missing');
  assert.equal(missing.message, '/ConfigMap/prod/gone: not found in the cluster');
  assert.deepEqual(missing.resources.map((r) => r.status), ['Progressing', 'Missing', 'Healthy']);
  const bad = appHealth([{ desired: cm('gone') }, stuck, done]);
  assert.equal(bad.status, 'Degraded');
  assert.equal(bad.message, 'apps/Deployment/prod/web: Deployment "web" exceeded its progress deadline');
});
