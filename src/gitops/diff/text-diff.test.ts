import { test } from 'node:test';
import assert from 'node:assert/strict';
import { unifiedDiff } from './text-diff.ts';

const labels = { before: 'a', after: 'b' };

test('identical texts have no diff', () => {
  assert.equal(unifiedDiff('x\ny\n', 'x\ny\n', labels), '');
});

test('hunks with three lines of context, far-apart changes in separate hunks', () => {
  const before = Array.from({ length: 20 }, (_, i) => `line ${i + 1}`).join('\n');
  const after = before.replace('line 2\n', 'line two\n').replace('line 18\n', '');
  assert.equal(
    unifiedDiff(before, after, labels),
    ['--- a', '+++ b', '@@ -1,5 +1,5 @@', ' line 1', '-line 2', '+line two', ' line 3', ' line 4', ' line 5', '@@ -15,6 +15,5 @@', ' line 15', ' line 16', ' line 17', '-line 18', ' line 19', ' line 20', ''].join('\n'),
  );
});
