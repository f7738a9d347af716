import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StepLog } from './step-log.ts';
import { MASK } from './mask.ts';
import { limitMarker } from './limit.ts';

const bytes = (text: string) => new TextEncoder().encode(text);

test('numbers lines, stamps them relative to the step start and masks secrets split across chunks', () => {
  const log = new StepLog({ secrets: ['secret'], limitBytes: 1024, startedAt: 1000 });
  assert.deepEqual(log.push(bytes('hello\nsec'), 1010), [{ pos: 0, time: 10, out: 'hello' }]);
  assert.deepEqual(log.push(bytes('ret!\n'), 1020), [{ pos: 1, time: 20, out: `${MASK}!` }]);
  assert.deepEqual(log.end(1030), []);
});

test('caps the log and numbers the marker line', () => {
  const log = new StepLog({ secrets: [], limitBytes: 6, startedAt: 0 });
  const lines = [...log.push(bytes('ab\ncd\nef\n'), 0), ...log.push(bytes('more\n'), 0), ...log.end(0)];
  assert.deepEqual(
    lines.map((l) => [l.pos, l.out]),
    [
      [0, 'ab'],
      [1, 'cd'],
      [2, limitMarker(6)],
    ],
  );
});
