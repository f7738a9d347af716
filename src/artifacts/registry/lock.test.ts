import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RwLock } from './lock.ts';

/** A promise with its resolver, to hold work open until the test lets it go. */
function gate() {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

test('readers share, a writer waits for them and blocks later readers', async () => {
  const lock = new RwLock();
  const events: string[] = [];
  const first = gate();
  const reader1 = lock.shared(async () => {
    events.push('r1 in');
    await first.promise;
    events.push('r1 out');
  });
  const reader2 = lock.shared(async () => void events.push('r2'));
  await reader2;
  const writer = lock.exclusive(async () => void events.push('w'));
  const reader3 = lock.shared(async () => void events.push('r3'));
  assert.deepEqual(events, ['r1 in', 'r2']);
  first.open();
  await Promise.all([reader1, writer, reader3]);
  assert.deepEqual(events, ['r1 in', 'r2', 'r1 out', 'w', 'r3']);
});

test('a failing holder releases the lock', async () => {
  const lock = new RwLock();
  await assert.rejects(lock.exclusive(async () => Promise.reject(new Error('boom'))), /boom/);
  assert.equal(await lock.shared(async () => 'free'), 'free');
});
