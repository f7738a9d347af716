import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ConfigError } from '../../core/index.ts';
import { defaultEnvironments, parseEnvironments } from './parse.ts';
import { tagDrivenEnvironmentsYaml } from './defaults.ts';
import { branchSlug, expandPattern, namespaceFor } from './patterns.ts';
import { durationMs } from './environment.ts';

function problems(text: string): string[] {
  try {
    parseEnvironments(text);
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    return (error.details as { problems: { line: number; column: number; field: string; message: string }[] }).problems.map((p) => `${p.line}:${p.column} ${p.field}: ${p.message}`);
  }
  assert.fail('expected a ConfigError');
}

test('the built-in default: test from the pipeline, staging automatic, production manual behind a release manager, feature previews', () => {
  const envs = defaultEnvironments();
  assert.deepEqual(
    envs.map((e) => [e.name, e.kind, e.deploy, e.selfHeal, e.syncRole]),
    [
      ['test', 'test', 'pipeline', true, 'developer'],
      ['staging', 'staging', 'auto', true, 'developer'],
      ['production', 'production', 'manual', false, 'release-manager'],
      ['preview', 'preview', 'auto', true, 'developer'],
    ],
  );
  const production = envs[2]!;
  assert.deepEqual(production.approvals, { required: 1, roles: ['release-manager'], fourEyes: false });
  const preview = envs[3]!;
  assert.equal(preview.namespace, 'preview-{branch}');
  assert.equal(preview.accepts.branches, 'feature-*');
  assert.deepEqual(preview.preview, { from: 'staging', ttlMs: 72 * 3_600_000, maxConcurrent: 10, provisioner: null });
});

test('the tag-driven variant parses: production takes v* tags', () => {
  const production = parseEnvironments(tagDrivenEnvironmentsYaml).find((e) => e.name === 'production')!;
  assert.equal(production.accepts.tags, 'v*');
  assert.equal(production.accepts.trunk, false);
});

test('kind defaults: namespace is the name, previews get name-{branch}', () => {
  const envs = parseEnvironments('environments:\n  - { name: qa, kind: test }\n  - { name: pr, kind: preview, accepts: { branches: "feat/*" } }\n');
  assert.equal(envs[0]!.namespace, 'qa');
  assert.equal(envs[0]!.cluster, null);
  assert.equal(envs[1]!.namespace, 'pr-{branch}');
  assert.equal(envs[1]!.preview?.from, 'staging');
});

test('problems are reported where they are, with what was expected', () => {
  assert.deepEqual(problems('environments:\n  - name: Prod\n    kind: live\n'), [
    '2:11 environments[0].name: expected a DNS label: lower-case letters, digits and "-", at most 63',
    '3:11 environments[0].kind: expected one of "preview", "test", "staging", "production", got string "live"',
  ]);
  const [unknown] = problems('environments:\n  - name: qa\n    kind: test\n    clutser: dev\n');
  assert.match(unknown!, /^4:5 environments\[0\]\.clutser: /);
  assert.deepEqual(problems('environments:\n  - { name: qa, kind: test }\n  - { name: qa, kind: staging }\n'), [
    '3:13 environments[1].name: expected a unique name: "qa" is also environments[0]',
  ]);
  assert.match(problems('environments:\n  - { name: p, kind: preview, namespace: previews, accepts: { branches: "x" } }\n')[0]!, /namespace: expected a pattern with \{branch\}/);
  assert.match(problems('environments:\n  - { name: p, kind: preview }\n')[0]!, /accepts\.branches: expected the branch pattern/);
  assert.match(problems('environments:\n  - { name: p, kind: preview, accepts: { branches: "x" }, preview: { from: nowhere } }\n')[0]!, /preview\.from: expected the name of an environment in this file/);
  assert.match(problems('environments:\n  - { name: s, kind: staging, preview: { ttl: 1h } }\n')[0]!, /preview: expected no preview settings on a staging environment/);
  assert.match(problems('environments:\n  - name: s\n    kind: staging\n    windows: [{ kind: allow, schedule: "9-17", duration: 8h }]\n')[0]!, /windows\[0\]\.schedule: expected a 5-field cron expression/);
  assert.match(problems('environments:\n  - { name: s, kind: staging, ingress: { host: "{svc}.example.com" } }\n')[0]!, /ingress\.host: expected text with only \{service\}, \{branch\} or \{env\} placeholders/);
  assert.match(problems('environments: []\n')[0]!, /environments: expected at least one environment/);
  assert.match(problems('environments:\n  - name: s\n    kind: staging\n    windows: [{ kind: deny, schedule: "0 25 * * *", duration: 1h }]\n')[0]!, /^4:\d+ environments\[0\]\.windows\[0\]\.schedule: expected a valid cron expression/);
  assert.match(problems('environments:\n  - name: s\n    kind: staging\n    windows: [{ kind: deny, schedule: "0 9 * * *", duration: 1h, timeZone: Mars/Olympus }]\n')[0]!, /windows\[0\]\.timeZone: expected an IANA time zone/);
});

test('durations', () => {
  assert.equal(durationMs('90s'), 90_000);
  assert.equal(durationMs('1h30m'), 5_400_000);
  assert.equal(durationMs('3d'), 259_200_000);
});

test('branch slugs are DNS-safe, stable, and distinct for distinct branches', () => {
  assert.equal(branchSlug('feature-x'), 'feature-x');
  assert.equal(expandPattern('{service}.{branch}.preview.example.com', { service: 'api', branch: 'Feature/Login' }), `api.${branchSlug('Feature/Login')}.preview.example.com`);
  assert.match(branchSlug('Feature/Login'), /^feature-login-[0-9a-f]{6}$/, 'a changed name keeps a hash of the original');
  assert.notEqual(branchSlug('feature/x'), branchSlug('feature-x'));
  assert.throws(() => expandPattern('{service}-{branch}', { branch: 'x' }), /needs a value for \{service\}/);
  fc.assert(
    fc.property(fc.string({ minLength: 1, maxLength: 200 }), (branch) => {
      const namespace = namespaceFor('preview-{branch}', { branch });
      assert.match(namespace, /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
      assert.ok(namespace.length <= 63);
    }),
  );
  fc.assert(
    fc.property(fc.string({ minLength: 1, maxLength: 60 }), fc.string({ minLength: 1, maxLength: 60 }), (a, b) => {
      fc.pre(a !== b);
      assert.notEqual(branchSlug(a), branchSlug(b));
    }),
  );
});

test('fuzz: any text either parses or fails with a ConfigError', () => {
  fc.assert(
    fc.property(fc.string({ maxLength: 300 }), (text) => {
      try {
        parseEnvironments(text);
      } catch (error) {
        assert.ok(error instanceof ConfigError, String(error));
      }
    }),
  );
});
