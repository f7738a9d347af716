import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Wakeup } from './wakeup.ts';

test('a notify between looking for work and waiting is not lost', async () => {
  const wakeup = new Wakeup();
  const epoch = wakeup.epoch; // a claimer reads the epoch, finds nothing…
  wakeup.notify(); // …work is queued meanwhile…
  const woke = await Promise.race([wakeup.wait(10_000, undefined, epoch).then(() => 'woke'), new Promise((r) => setTimeout(() => r('slept'), 1_000))]);
  assert.equal(woke, 'woke'); // …and its wait returns at once.
});

test('every waiter wakes on one notify', async () => {
  const wakeup = new Wakeup();
  const waits = [wakeup.wait(10_000), wakeup.wait(10_000), wakeup.wait(10_000)];
  wakeup.notify();
  const all = await Promise.race([Promise.all(waits).then(() => 'all'), new Promise((r) => setTimeout(() => r('some slept'), 1_000))]);
  assert.equal(all, 'all');
});

test('a wait without news lasts its time, and an abort ends it', async () => {
  const wakeup = new Wakeup();
  const aborted = new AbortController();
  const waiting = wakeup.wait(10_000, aborted.signal, wakeup.epoch);
  aborted.abort();
  const ended = await Promise.race([waiting.then(() => 'ended'), new Promise((r) => setTimeout(() => r('still waiting'), 1_000))]);
  assert.equal(ended, 'ended');
});
