import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decideRun } from './policy.ts';

test('decides like Drone', () => {
  assert.deepEqual(decideRun('on-success', false), { run: true });
  assert.equal(decideRun('on-success', true).run, false);
  assert.equal(decideRun('on-failure', false).run, false);
  assert.deepEqual(decideRun('on-failure', true), { run: true });
  assert.deepEqual(decideRun('always', true), { run: true });
  assert.deepEqual(decideRun('always', false), { run: true });
  assert.deepEqual(decideRun('never', false, 'event push not in [tag]'), { run: false, reason: 'event push not in [tag]' });
});
