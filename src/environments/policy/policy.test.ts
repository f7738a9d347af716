import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { ApprovalRecord, Role } from '../../store/index.ts';
import { defaultEnvironments, parseEnvironments, tagDrivenEnvironmentsYaml } from '../config/index.ts';
import { accepts, releaseTargets } from './accepts.ts';
import { countApprovals, mayApprove } from './approvals.ts';
import { authored } from './four-eyes.ts';
import { parseBuildTag, repoOfImage } from './image-tag.ts';

const envs = defaultEnvironments();
const byName = (name: string) => envs.find((e) => e.name === name)!;

test('accept matching: trunk, tags, branch patterns; previews are never release targets', () => {
  const trunk = { branch: 'main', defaultBranch: 'main' };
  assert.deepEqual(releaseTargets(envs, trunk).map((e) => e.name), ['test', 'staging', 'production']);
  assert.deepEqual(releaseTargets(envs, { branch: 'feature-x', defaultBranch: 'main' }).map((e) => e.name), []);
  assert.equal(accepts(byName('preview'), { branch: 'feature-x', defaultBranch: 'main' }), true);
  assert.equal(accepts(byName('preview'), { branch: 'feature/x', defaultBranch: 'main' }), false, '* stays within a segment');
  assert.deepEqual(releaseTargets(envs, { branch: 'main', tag: 'v1.2.3', defaultBranch: 'main' }).map((e) => e.name), [], 'the default takes no tags');
  const tagged = parseEnvironments(tagDrivenEnvironmentsYaml);
  assert.deepEqual(releaseTargets(tagged, { branch: 'main', tag: 'v1.2.3', defaultBranch: 'main' }).map((e) => e.name), ['staging', 'production']);
  assert.deepEqual(releaseTargets(tagged, { branch: 'main', tag: 'release-1', defaultBranch: 'main' }).map((e) => e.name), []);
  assert.deepEqual(releaseTargets(tagged, trunk).map((e) => e.name), ['test', 'staging']);
  assert.deepEqual(releaseTargets(envs, { branch: 'master', defaultBranch: 'trunk' }).map((e) => e.name), []);
});

function approval(login: string, at: number, role: Role = 'release-manager'): ApprovalRecord {
  return { id: login + at, environment: 'production', service: 'api', version: '1-main-abcdef12', login, role, comment: 'ok', createdAt: at };
}

test('approvals count once per person, only for the approval roles, by current role', () => {
  const production = { ...byName('production'), approvals: { required: 2, roles: ['release-manager' as const], fourEyes: true } };
  const current: Record<string, Role> = { alice: 'release-manager', bob: 'admin', dave: 'developer', Carol: 'release-manager' };
  const role = (login: string) => current[login];
  const one = countApprovals(production, [approval('alice', 1), approval('dave', 2, 'developer'), approval('alice', 3)], role);
  assert.deepEqual(one.counted.map((a) => a.login), ['alice']);
  assert.equal(one.satisfied, false);
  const two = countApprovals(production, [approval('alice', 1), approval('bob', 2, 'admin')], role);
  assert.equal(two.satisfied, true);
  assert.equal(countApprovals(production, [approval('alice', 1), approval('gone', 2)], role).satisfied, false, 'an unknown user does not count');
  current['bob'] = 'developer';
  assert.equal(countApprovals(production, [approval('alice', 1), approval('bob', 2)], role).satisfied, false, 'a demoted approver no longer counts');
  assert.equal(countApprovals({ ...production, approvals: { ...production.approvals, required: 0 } }, [], role).satisfied, true);
  assert.equal(mayApprove(production, 'developer'), false);
  assert.equal(mayApprove({ ...production, approvals: { ...production.approvals, roles: ['developer', 'admin'] } }, 'developer'), true);
});

test('four-eyes: authors are matched by email or by login', () => {
  const user = { login: 'dev', email: 'Dev@Example.com' };
  assert.equal(authored(user, { authorName: 'Someone', authorEmail: 'dev@example.com' }), true);
  assert.equal(authored(user, { authorName: 'DEV', authorEmail: 'other@example.com' }), true);
  assert.equal(authored(user, { authorName: 'Other', authorEmail: 'other@example.com' }), false);
  assert.equal(authored({ login: 'x', email: '' }, { authorName: 'y', authorEmail: '' }), false, 'empty emails never match');
});

test('build tags and image repositories read back', () => {
  assert.deepEqual(parseBuildTag('12-main-0123abcd'), { build: 12, branch: 'main', sha8: '0123abcd' });
  assert.deepEqual(parseBuildTag('3-feature-a-b-deadbeef'), { build: 3, branch: 'feature-a-b', sha8: 'deadbeef' });
  assert.equal(parseBuildTag('v1.2.3'), undefined);
  assert.equal(repoOfImage('127.0.0.1:5000/acme/api'), 'acme/api');
  assert.equal(repoOfImage('api'), undefined);
  fc.assert(
    fc.property(fc.nat(), fc.stringMatching(/^[a-z0-9-]{1,20}$/), fc.stringMatching(/^[0-9a-f]{8}$/), (build, branch, sha8) => {
      assert.deepEqual(parseBuildTag(`${build}-${branch}-${sha8}`), { build, branch, sha8 });
    }),
  );
});
