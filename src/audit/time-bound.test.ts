import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseTimeBound } from './time-bound.ts';

const now = Date.parse('2026-06-15T12:00:00Z');

test('time bounds: ISO dates and times, epoch ms, and ages relative to now', () => {
  assert.equal(parseTimeBound('2026-01-01', now), Date.parse('2026-01-01T00:00:00Z'));
  assert.equal(parseTimeBound('2026-01-01T10:30:00+02:00', now), Date.parse('2026-01-01T08:30:00Z'));
  assert.equal(parseTimeBound('2026-06-15T11:59:59.500Z', now), now - 500);
  assert.equal(parseTimeBound('1767225600000', now), 1767225600000);
  assert.equal(parseTimeBound('90m', now), now - 90 * 60_000);
  assert.equal(parseTimeBound(' 24h ', now), now - 86_400_000);
  assert.equal(parseTimeBound('30d', now), now - 30 * 86_400_000);
});

test('anything else is refused, naming the field', () => {
  for (const bad of ['yesterday', '2026-13-45', '12', '5w', '']) {
    assert.throws(() => parseTimeBound(bad, now, 'since'), /^ConfigError: since: expected an ISO date/);
  }
});
