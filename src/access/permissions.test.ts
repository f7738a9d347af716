import { test } from 'node:test';
import assert from 'node:assert/strict';
import { authorize, can, capabilities } from './permissions.ts';
import { tokenFromHeader } from './authenticate.ts';
import { ForbiddenError } from '../core/index.ts';

test('roles are ordered: each may do what the weaker ones may', () => {
  assert.equal(can('viewer', 'read'), true);
  assert.equal(can('viewer', 'build.trigger'), false);
  assert.equal(can('developer', 'build.trigger'), true);
  assert.equal(can('developer', 'repo.create'), false);
  assert.equal(can('release-manager', 'build.cancel'), true);
  assert.equal(can('admin', 'user.manage'), true);
});

test('authorize names the role an action needs', () => {
  assert.throws(
    () => authorize({ login: 'dev', role: 'developer' }, 'repo.create'),
    (error: unknown) => error instanceof ForbiddenError && /needs the admin role/.test(error.message),
  );
  assert.doesNotThrow(() => authorize({ login: 'root', role: 'admin' }, 'repo.create'));
});

test('tokens are read from bearer and basic authorization headers', () => {
  assert.equal(tokenFromHeader('Bearer abc'), 'abc');
  assert.equal(tokenFromHeader('bearer   abc'), 'abc');
  assert.equal(tokenFromHeader(`Basic ${Buffer.from('ada:tok').toString('base64')}`), 'tok');
  assert.equal(tokenFromHeader(`Basic ${Buffer.from('no-colon').toString('base64')}`), undefined);
  assert.equal(tokenFromHeader('Digest x'), undefined);
  assert.equal(tokenFromHeader(undefined), undefined);
  assert.equal(tokenFromHeader('Bearer'), undefined);
});

test('capabilities list every action with what the role may do', () => {
  const developer = capabilities('developer');
  assert.equal(developer['build.cancel'], true);
  assert.equal(developer['repo.create'], false);
  assert.equal(Object.values(capabilities('admin')).every(Boolean), true);
  for (const [action, allowed] of Object.entries(capabilities('viewer'))) assert.equal(allowed, can('viewer', action as keyof typeof developer));
});
