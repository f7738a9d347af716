import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LineSplitter } from './lines.ts';

const bytes = (text: string) => new TextEncoder().encode(text);

test('splits lines and keeps a partial line until its newline arrives', () => {
  const s = new LineSplitter();
  assert.deepEqual(s.push(bytes('one\ntw')), ['one']);
  assert.deepEqual(s.push(bytes('o\nthree')), ['two']);
  assert.deepEqual(s.end(), ['three']);
  assert.deepEqual(s.end(), []);
});

test('handles \\r\\n, also when split between chunks', () => {
  const s = new LineSplitter();
  assert.deepEqual(s.push(bytes('a\r\nb\r')), ['a']);
  assert.deepEqual(s.push(bytes('\nc\r\n')), ['b', 'c']);
  assert.deepEqual(s.end(), []);
});

test('reassembles a UTF-8 character cut across chunks', () => {
  const all = bytes('héllo → wörld\n');
  const s = new LineSplitter();
  const lines: string[] = [];
  // Cut inside every multi-byte sequence: one byte per chunk.
  for (const byte of all) lines.push(...s.push(Uint8Array.of(byte)));
  assert.deepEqual(lines, ['héllo → wörld']);
});

test('breaks over-long lines so memory stays bounded', () => {
  const s = new LineSplitter(4);
  assert.deepEqual(s.push(bytes('abcdefghij')), ['abcd', 'efgh']);
  assert.deepEqual(s.end(), ['ij']);
});

test('keeps empty lines', () => {
  const s = new LineSplitter();
  assert.deepEqual(s.push(bytes('\n\nx\n')), ['', '', 'x']);
});
