import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Notification } from './event.ts';
import { globMatches } from './glob.ts';
import { routes } from './routing.ts';

const at = 0;
const event = (kind: Notification['kind'], environment?: string): Notification => ({
  id: 'e',
  kind,
  at,
  summary: 's',
  ...(environment ? { environment } : {}),
});

test('without events a target receives what needs attention, not successes', () => {
  for (const kind of ['build.failed', 'preview.ready', 'approval.requested', 'deployment.succeeded', 'rollback', 'drift.detected'] as const) {
    assert.ok(routes({}, event(kind)), kind);
  }
  assert.ok(!routes({}, event('build.succeeded')));
  assert.ok(!routes({}, event('sync.succeeded')));
  assert.ok(!routes({}, event('test')));
});

test('named events replace the default set', () => {
  const routing = { events: ['build.succeeded'] };
  assert.ok(routes(routing, event('build.succeeded')));
  assert.ok(!routes(routing, event('build.failed')));
});

test('environment patterns select events of those environments only', () => {
  const routing = { environments: ['production', 'preview-*'] };
  assert.ok(routes(routing, event('deployment.succeeded', 'production')));
  assert.ok(routes(routing, event('preview.ready', 'preview-feat-x')));
  assert.ok(!routes(routing, event('deployment.succeeded', 'staging')));
  assert.ok(!routes(routing, event('deployment.succeeded', 'production-eu')));
  assert.ok(!routes(routing, event('build.failed')), 'an event without environment does not pass an environment filter');
  assert.ok(routes({ environments: [] }, event('build.failed')));
});

test('globs: * and ? are wildcards, everything else is literal', () => {
  assert.ok(globMatches('prod-??', 'prod-eu'));
  assert.ok(!globMatches('prod-??', 'prod-eu1'));
  assert.ok(globMatches('*', ''));
  assert.ok(globMatches('a.b', 'a.b'));
  assert.ok(!globMatches('a.b', 'axb'));
  assert.ok(!globMatches('(a|b)', 'a'));
  assert.ok(globMatches('[x]', '[x]'));
});
