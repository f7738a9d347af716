import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backoffDelay } from './backoff.ts';
import { pushOutcome } from './push-result.ts';

test('classifies git push --porcelain answers', () => {
  assert.deepEqual(pushOutcome('To /r.git\n \tabc:refs/heads/main\t1111..2222\nDone\n', '', 0), { kind: 'pushed' });
  assert.deepEqual(pushOutcome('To /r.git\n*\tabc:refs/heads/trunkline/api-1\t[new branch]\nDone\n', '', 0), { kind: 'pushed' });
  assert.deepEqual(pushOutcome('To /r.git\n!\tabc:refs/heads/main\t[rejected] (fetch first)\nDone\n', 'error: failed to push', 1), {
    kind: 'race',
    reason: '[rejected] (fetch first)',
  });
  assert.equal(pushOutcome('!\tabc:refs/heads/main\t[rejected] (non-fast-forward)\n', '', 1).kind, 'race');
  assert.equal(pushOutcome("!\tabc:refs/heads/main\t[remote rejected] (cannot lock ref 'refs/heads/main': is at 1 but expected 2)\n", '', 1).kind, 'race');
  assert.equal(pushOutcome('!\tabc:refs/heads/main\t[remote rejected] (failed to update ref)\n', '', 1).kind, 'race');
  assert.deepEqual(pushOutcome('!\tabc:refs/heads/main\t[remote rejected] (pre-receive hook declined)\n', '', 1), {
    kind: 'refused',
    reason: '[remote rejected] (pre-receive hook declined)',
  });
  assert.equal(pushOutcome('', 'fatal: something odd', 1).kind, 'refused');
});

test('backoff is jittered below a doubling bound with a ceiling', () => {
  const policy = { attempts: 10, baseDelayMs: 50, maxDelayMs: 1_000 };
  assert.equal(backoffDelay(policy, 1, () => 0.999), 49);
  assert.equal(backoffDelay(policy, 3, () => 0.5), 100);
  assert.equal(backoffDelay(policy, 12, () => 0.5), 500);
  assert.equal(backoffDelay(policy, 4, () => 0), 0);
});
