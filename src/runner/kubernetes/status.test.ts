import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { containerPhase, readPod, sameImage } from './status.ts';

const placeholder = 'docker.io/drone/placeholder:1';
const pod = (containerStatuses: unknown[], extra: Record<string, unknown> = {}) =>
  readPod({ metadata: { name: 'p' }, status: { phase: 'Running', containerStatuses, ...extra } });

describe('container phase', () => {
  it('a placeholder still running is waiting; the step image running or ended is the step', () => {
    assert.deepEqual(containerPhase(pod([{ name: 'c', image: 'drone/placeholder:1', state: { running: {} } }]), 'c', placeholder, false), { kind: 'waiting' });
    assert.deepEqual(containerPhase(pod([{ name: 'c', image: 'busybox', state: { running: {} } }]), 'c', placeholder, false), { kind: 'running' });
    assert.deepEqual(containerPhase(pod([{ name: 'c', image: 'busybox', state: { terminated: { exitCode: 3 } } }]), 'c', placeholder, false), { kind: 'exited', exitCode: 3, oomKilled: false });
    assert.deepEqual(containerPhase(pod([{ name: 'c', image: 'busybox', state: { terminated: { exitCode: 137, reason: 'OOMKilled' } } }]), 'c', placeholder, false), { kind: 'exited', exitCode: 137, oomKilled: true });
  });

  it('a stopped step swapped back to the placeholder ended with its last state', () => {
    const swapped = pod([{ name: 'c', image: placeholder, state: { running: {} }, lastState: { terminated: { exitCode: 143 } } }]);
    assert.deepEqual(containerPhase(swapped, 'c', placeholder, true), { kind: 'exited', exitCode: 143, oomKilled: false });
    assert.deepEqual(containerPhase(swapped, 'c', placeholder, false), { kind: 'waiting' }, 'unless it was not stopped: then it never started');
  });

  it('image pull failures, a failed pod and a deleted pod end the step', () => {
    const pull = containerPhase(pod([{ name: 'c', image: 'nope:1', state: { waiting: { reason: 'ImagePullBackOff', message: 'not found' } } }]), 'c', placeholder, false);
    assert.deepEqual(pull, { kind: 'failed', reason: 'ImagePullBackOff: not found' });
    const deadline = containerPhase(pod([{ name: 'c', image: placeholder, state: { running: {} } }], { phase: 'Failed', reason: 'DeadlineExceeded' }), 'c', placeholder, false);
    assert.deepEqual(deadline, { kind: 'failed', reason: 'the pod failed (DeadlineExceeded)' });
    assert.deepEqual(containerPhase(undefined, 'c', placeholder, false), { kind: 'failed', reason: 'the pod is gone' });
    const died = containerPhase(pod([{ name: 'c', image: placeholder, state: { terminated: { exitCode: 127 } } }]), 'c', placeholder, false);
    assert.match(died.kind === 'failed' ? died.reason : '', /placeholder image .* did not keep waiting \(exit code 127\)/);
    assert.deepEqual(containerPhase(pod([{ name: 'c', image: 'busybox', state: { waiting: { reason: 'ContainerCreating' } } }]), 'c', placeholder, false), { kind: 'waiting' });
  });

  it('compares image references as Drone expands them', () => {
    assert.ok(sameImage('busybox', 'docker.io/library/busybox:latest'));
    assert.ok(sameImage('docker-pullable://drone/placeholder:1', placeholder));
    assert.ok(!sameImage('busybox:1', 'busybox:2'));
  });
});
