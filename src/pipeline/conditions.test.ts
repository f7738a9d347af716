import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decide, matchCondition, matchPaths, statusPolicy } from './conditions.ts';
import type { BuildContext } from './context.ts';
import type { Condition } from './model.ts';

const c = (include: string[], exclude: string[] = []): Condition => ({ include, exclude });

function context(over: { event?: BuildContext['build']['event']; branch?: string; ref?: string; changedFiles?: string[] } = {}): BuildContext {
  return {
    repo: { namespace: 'acme', name: 'app', link: '', cloneUrl: '', defaultBranch: 'main', visibility: 'private', private: true },
    build: { number: 1, event: over.event ?? 'push', trigger: '@hook', created: 0, link: '', params: {}, action: 'opened', deployTo: 'production', cron: 'nightly' },
    commit: {
      sha: 'a'.repeat(40), before: '0'.repeat(40), ref: over.ref ?? 'refs/heads/main', branch: over.branch ?? 'main', sourceBranch: 'feature/x', targetBranch: 'main',
      message: '', link: '', author: { name: '', email: '', username: '', avatar: '' },
    },
    changedFiles: over.changedFiles,
    system: { proto: 'http', host: 'ci.example.com', version: '1' },
  };
}

describe('matchCondition', () => {
  it('matches everything when empty', () => {
    assert.equal(matchCondition(c([]), 'anything'), true);
    assert.equal(matchCondition(c([]), ''), true);
  });
  it('matches includes as globs where * stays within a segment', () => {
    assert.equal(matchCondition(c(['main']), 'main'), true);
    assert.equal(matchCondition(c(['main']), 'main2'), false);
    assert.equal(matchCondition(c(['feature/*']), 'feature/x'), true);
    assert.equal(matchCondition(c(['feature/*']), 'feature/x/y'), false);
    assert.equal(matchCondition(c(['feature/**']), 'feature/x/y'), true);
    assert.equal(matchCondition(c(['refs/tags/*']), 'refs/tags/v1.2.3'), true);
    assert.equal(matchCondition(c(['refs/tags/*']), 'refs/heads/main'), false);
    assert.equal(matchCondition(c(['release-?']), 'release-1'), true);
    assert.equal(matchCondition(c(['release-[0-9]']), 'release-a'), false);
    assert.equal(matchCondition(c(['*']), '.hidden'), true);
    assert.equal(matchCondition(c(['{main,develop}']), 'develop'), true);
  });
  it('treats a leading ! as a literal, not a negation', () => {
    assert.equal(matchCondition(c(['!main']), 'dev'), false);
    assert.equal(matchCondition(c(['!main']), '!main'), true);
  });
  it('lets exclude win over include', () => {
    assert.equal(matchCondition(c(['feature/*'], ['feature/wip']), 'feature/wip'), false);
    assert.equal(matchCondition(c(['feature/*'], ['feature/wip']), 'feature/ok'), true);
    assert.equal(matchCondition(c([], ['main']), 'main'), false);
    assert.equal(matchCondition(c([], ['main']), 'dev'), true);
  });
});

describe('matchPaths', () => {
  it('needs a changed file matching include and not excluded', () => {
    assert.equal(matchPaths(c(['src/**']), ['README.md', 'src/a/b.ts']), true);
    assert.equal(matchPaths(c(['src/**']), ['README.md']), false);
    assert.equal(matchPaths(c(['src/**'], ['src/**/*.md']), ['src/doc/x.md']), false);
    assert.equal(matchPaths(c(['*.ts']), ['src/a.ts']), false);
  });
  it('with only excludes, needs a changed file that is not excluded', () => {
    assert.equal(matchPaths(c([], ['docs/**']), ['docs/a.md', 'src/x.ts']), true);
    assert.equal(matchPaths(c([], ['docs/**']), ['docs/a.md']), false);
  });
  it('matches when the changed files are unknown', () => {
    assert.equal(matchPaths(c(['src/**']), undefined), true);
  });
});

describe('decide', () => {
  it('runs on success by default and follows status', () => {
    assert.deepEqual(decide({}, context(), 'when'), { runPolicy: 'on-success' });
    assert.equal(statusPolicy(c(['failure'])).runPolicy, 'on-failure');
    assert.equal(statusPolicy(c(['success', 'failure'])).runPolicy, 'always');
    assert.equal(statusPolicy(c(['success'])).runPolicy, 'on-success');
    assert.equal(statusPolicy(c([], ['success'])).runPolicy, 'on-failure');
    assert.equal(statusPolicy(c(['killed'])).runPolicy, 'never');
  });
  it('names the key that did not match', () => {
    assert.deepEqual(decide({ branch: c(['main']) }, context({ branch: 'fix-1' }), 'when'), {
      runPolicy: 'never',
      skipReason: 'when.branch: "fix-1" does not match include [main]',
    });
    assert.deepEqual(decide({ event: c([], ['push']) }, context(), 'trigger'), {
      runPolicy: 'never',
      skipReason: 'trigger.event: "push" matches exclude [push]',
    });
  });
  it('requires every key to match, whatever the status', () => {
    const both = { event: c(['push']), branch: c(['main']), status: c(['failure']) };
    assert.equal(decide(both, context(), 'when').runPolicy, 'on-failure');
    assert.equal(decide(both, context({ event: 'tag' }), 'when').runPolicy, 'never');
  });
  it('matches the target branch of pull requests and the other keys', () => {
    const pr = context({ event: 'pull_request', branch: 'main', ref: 'refs/pull/7/head' });
    assert.equal(decide({ branch: c(['main']) }, pr, 'when').runPolicy, 'on-success');
    assert.equal(decide({ branch: c(['feature/*']) }, pr, 'when').runPolicy, 'never');
    const all = { repo: c(['acme/*']), ref: c(['refs/pull/*/head']), action: c(['opened']), target: c(['production']), cron: c(['nightly']), instance: c(['ci.example.com']) };
    assert.equal(decide(all, pr, 'when').runPolicy, 'on-success');
    assert.equal(decide({ repo: c(['other/*']) }, pr, 'when').skipReason, 'when.repo: "acme/app" does not match include [other/*]');
  });
  it('accepts create and delete events', () => {
    assert.equal(decide({ event: c(['delete']) }, context({ event: 'delete' }), 'trigger').runPolicy, 'on-success');
    assert.equal(decide({ event: c(['create']) }, context({ event: 'delete' }), 'trigger').runPolicy, 'never');
  });
  it('skips on paths with a reason', () => {
    assert.deepEqual(decide({ paths: c(['src/**']) }, context({ changedFiles: ['docs/a.md'] }), 'when'), {
      runPolicy: 'never',
      skipReason: 'when.paths: no changed file matches include [src/**]',
    });
    assert.equal(decide({ paths: c([], ['docs/**']) }, context({ changedFiles: ['docs/a.md'] }), 'when').skipReason, 'when.paths: every changed file matches exclude [docs/**]');
    assert.equal(decide({ paths: c(['src/**']) }, context(), 'when').runPolicy, 'on-success');
  });
});
