import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { positional } from './placeholders.ts';

test('question marks become numbered parameters, except inside quotes', () => {
  assert.equal(positional('SELECT * FROM t WHERE a = ? AND b IN (?, ?)'), 'SELECT * FROM t WHERE a = $1 AND b IN ($2, $3)');
  assert.equal(positional(`SELECT '?' AS q, "we?ird" FROM t WHERE a = ?`), `SELECT '?' AS q, "we?ird" FROM t WHERE a = $1`);
  assert.equal(positional(`SELECT 'it''s ?' WHERE x = ?`), `SELECT 'it''s ?' WHERE x = $1`);
});

test('any statement: placeholders numbered in order, literals and the rest unchanged', () => {
  const plain = fc.stringMatching(/^[^?'"]*$/);
  const quoted = fc.tuple(fc.constantFrom("'", '"'), fc.string()).map(([q, body]) => q + body.replaceAll(q, '') + q);
  const token = fc.oneof(fc.constant({ placeholder: true, text: '?' }), plain.map((text) => ({ placeholder: false, text })), quoted.map((text) => ({ placeholder: false, text })));
  fc.assert(
    fc.property(fc.array(token, { maxLength: 30 }), (tokens) => {
      let n = 0;
      const expected = tokens.map((t) => (t.placeholder ? `$${(n += 1)}` : t.text)).join('');
      assert.equal(positional(tokens.map((t) => t.text).join('')), expected);
    }),
  );
});
