import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CoalescedUpdate } from './refresh.ts';

/** An update whose completion the test controls. */
function controlledUpdates() {
  const pending: (() => void)[] = [];
  let started = 0;
  const update = () =>
    new Promise<void>((resolve) => {
      started += 1;
      pending.push(resolve);
    });
  return { update, started: () => started, finishNext: () => pending.shift()?.() };
}

/** Lets queued promise callbacks run (no timers involved). */
async function microtasksUntil(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !condition(); i++) await Promise.resolve();
  assert.ok(condition(), 'condition not reached');
}

test('calls during an update share one update started after them', async () => {
  const updates = controlledUpdates();
  const coalesced = new CoalescedUpdate(updates.update);
  const first = coalesced.run();
  assert.equal(updates.started(), 1);
  const second = coalesced.run();
  const third = coalesced.run();
  assert.equal(second, third);
  assert.equal(updates.started(), 1, 'the second update waits for the first');
  updates.finishNext();
  await first;
  await microtasksUntil(() => updates.started() === 2);
  updates.finishNext();
  await Promise.all([second, third]);
  assert.equal(updates.started(), 2);
  const fourth = coalesced.run();
  assert.equal(updates.started(), 3, 'a call after all updates finished starts a new one');
  updates.finishNext();
  await fourth;
});

test('a failed update fails its callers and does not block the next', async () => {
  let calls = 0;
  const coalesced = new CoalescedUpdate(async () => {
    calls += 1;
    if (calls === 1) throw new Error('fetch failed');
  });
  await assert.rejects(coalesced.run(), /fetch failed/);
  await coalesced.run();
  assert.equal(calls, 2);
});
