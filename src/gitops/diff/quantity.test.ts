import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseQuantity, sameQuantity } from './quantity.ts';

test('quantities compare by value across suffixes and notations', () => {
  assert.ok(sameQuantity('1000m', '1'));
  assert.ok(sameQuantity('1Gi', '1024Mi'));
  assert.ok(sameQuantity('1.5', '1500m'));
  assert.ok(sameQuantity(2, '2'));
  assert.ok(sameQuantity('1e3', '1k'));
  assert.ok(sameQuantity('0.5Gi', '512Mi'));
  assert.ok(!sameQuantity('1G', '1Gi'));
  assert.ok(!sameQuantity('100m', '1'));
  assert.equal(parseQuantity('abc'), undefined);
  assert.equal(parseQuantity('1Xi'), undefined);
});
