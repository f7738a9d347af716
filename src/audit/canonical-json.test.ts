import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { canonicalJson } from './canonical-json.ts';

/** The same data with every object's keys in reverse insertion order. */
function reorder(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reorder);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).reverse().map(([k, v]) => [k, reorder(v)]));
  }
  return value;
}

test('canonical JSON sorts keys at every depth and has no whitespace', () => {
  assert.equal(canonicalJson({ b: 1, a: [{ d: true, c: null }], é: 'x', Z: -0 }), '{"Z":0,"a":[{"c":null,"d":true}],"b":1,"é":"x"}');
  assert.equal(canonicalJson({ 10: 'a', 9: 'b', x: undefined, f: () => 1 }), '{"10":"a","9":"b"}');
  assert.equal(canonicalJson([undefined, 1e21, 0.1]), '[null,1e+21,0.1]');
  assert.equal(canonicalJson({ at: new Date(0) }), '{"at":"1970-01-01T00:00:00.000Z"}');
});

test('what JSON cannot hold is refused with its path', () => {
  assert.throws(() => canonicalJson({ a: [1, Number.NaN] }), /\$\.a\[1\]: expected a finite number/);
  assert.throws(() => canonicalJson({ n: 1n }), /\$\.n: expected JSON data, found bigint/);
  const cycle: Record<string, unknown> = {};
  cycle['self'] = cycle;
  assert.throws(() => canonicalJson(cycle), /\$\.self: expected JSON data, found a cycle/);
  // Shared (not cyclic) references are fine.
  const shared = { x: 1 };
  assert.equal(canonicalJson({ a: shared, b: shared }), '{"a":{"x":1},"b":{"x":1}}');
});

test('fuzz: canonical text is valid JSON of the same data, independent of key order, and a fixed point', () => {
  fc.assert(
    fc.property(fc.jsonValue(), (value) => {
      const text = canonicalJson(value);
      assert.deepEqual(JSON.parse(text), JSON.parse(JSON.stringify(value)));
      assert.equal(canonicalJson(reorder(value)), text);
      assert.equal(canonicalJson(JSON.parse(text)), text);
    }),
    { numRuns: 500 },
  );
});
