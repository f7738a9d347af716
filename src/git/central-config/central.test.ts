import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ConfigError } from '../../core/index.ts';
import { CentralConfig } from './central.ts';
import { ConfigRepo, buildRequest } from './fixtures.test.ts';
import { repoFileSource } from './repo-file.ts';

const ownFile = { '.drone.yml': 'kind: pipeline\nname: own\n' };

const rules = `
rules:
  - name: payments-release
    repos: payments/*
    branches: [main, release/*]
    pipeline: pipelines/release.yml
  - name: payments
    repos: payments/**
    pipeline: pipelines/go.yml
  - name: platform
    repos: [platform/*, infra/*]
    repository: true
  - name: regulated
    repos: regulated/*
    allowRepositoryFile: false
  - name: regulated-web
    repos: regulated-web/*
    pipeline: pipelines/web.yml
    allowRepositoryFile: false
`;

describe('repoFileSource', () => {
  test('uses the repository file when present', async () => {
    const result = await repoFileSource.resolve(buildRequest({ slug: 'a/b', files: ownFile }));
    assert.deepEqual(result, { source: 'repo', file: '.drone.yml', text: ownFile['.drone.yml'] });
  });

  test('says so when the repository has no pipeline file', async () => {
    const result = await repoFileSource.resolve(buildRequest({ slug: 'a/b' }));
    assert.deepEqual(result, { source: 'none', reason: 'no .drone.yml in the repository at 01234567' });
  });
});

describe('CentralConfig with a config repository', () => {
  let repo: ConfigRepo;
  let central: CentralConfig;
  let initial: string;

  before(async () => {
    repo = await ConfigRepo.create({
      'trunkline.rules.yaml': rules,
      'pipelines/release.yml': 'kind: pipeline\nname: release\n',
      'pipelines/go.yml': 'kind: pipeline\nname: go\n',
      'pipelines/web.yml': 'kind: pipeline\nname: web\n',
    });
    initial = await repo.head();
    central = new CentralConfig({ mirror: repo.mirror });
  });
  after(() => repo.dispose());

  test('the first matching rule wins, branch-restricted rules only on their branches', async () => {
    const onMain = await central.resolve(buildRequest({ slug: 'payments/api', branch: 'main', files: ownFile }));
    assert.deepEqual(onMain, {
      source: 'central',
      file: 'pipelines/release.yml',
      text: 'kind: pipeline\nname: release\n',
      rule: 'payments-release',
      revision: initial,
    });
    const onRelease = await central.resolve(buildRequest({ slug: 'payments/api', branch: 'release/1.2' }));
    assert.equal(onRelease.source === 'central' && onRelease.rule, 'payments-release');
    const onFeature = await central.resolve(buildRequest({ slug: 'payments/api', branch: 'feature/x', files: ownFile }));
    assert.equal(onFeature.source === 'central' && onFeature.rule, 'payments');
    assert.equal(onFeature.source === 'central' && onFeature.text, 'kind: pipeline\nname: go\n');
  });

  test('globs match namespace/name (** crosses into nested names, case-insensitive)', async () => {
    const nested = await central.resolve(buildRequest({ slug: 'payments/team/ledger', branch: 'main' }));
    assert.equal(nested.source === 'central' && nested.rule, 'payments');
    const upper = await central.resolve(buildRequest({ slug: 'Payments/API', branch: 'dev' }));
    assert.equal(upper.source === 'central' && upper.rule, 'payments');
    const infra = await central.resolve(buildRequest({ slug: 'infra/dns', files: ownFile }));
    assert.deepEqual(infra, { source: 'repo', file: '.drone.yml', text: ownFile['.drone.yml'] });
  });

  test('a repository no rule matches uses its own file', async () => {
    const own = await central.resolve(buildRequest({ slug: 'shop/cart', files: ownFile }));
    assert.deepEqual(own, { source: 'repo', file: '.drone.yml', text: ownFile['.drone.yml'] });
    const none = await central.resolve(buildRequest({ slug: 'shop/cart' }));
    assert.deepEqual(none, { source: 'none', reason: 'no .drone.yml in the repository at 01234567' });
  });

  test('allowRepositoryFile: false forbids the repository file', async () => {
    const forbidden = await central.resolve(buildRequest({ slug: 'regulated/ledger', files: ownFile }));
    assert.equal(forbidden.source, 'none');
    assert.match(forbidden.source === 'none' ? forbidden.reason : '', /rule "regulated" .*forbids the repository's own \.drone\.yml for regulated\/ledger/);
    const central2 = await central.resolve(buildRequest({ slug: 'regulated-web/site', files: ownFile }));
    assert.equal(central2.source === 'central' && central2.text, 'kind: pipeline\nname: web\n');
  });

  test('a commit to the config repository applies to the very next resolve', async () => {
    const before = await central.resolve(buildRequest({ slug: 'shop/cart', files: ownFile }));
    assert.equal(before.source, 'repo');
    const revision = await repo.commit(
      {
        'trunkline.rules.yaml': `${rules}\n  - name: shop\n    repos: shop/*\n    pipeline: pipelines/go.yml\n`,
        'pipelines/go.yml': 'kind: pipeline\nname: go-v2\n',
      },
      'shop joins the shared Go pipeline',
    );
    const afterCommit = await central.resolve(buildRequest({ slug: 'shop/cart', files: ownFile }));
    assert.deepEqual(afterCommit, {
      source: 'central',
      file: 'pipelines/go.yml',
      text: 'kind: pipeline\nname: go-v2\n',
      rule: 'shop',
      revision,
    });
    const payments = await central.resolve(buildRequest({ slug: 'payments/api', branch: 'dev' }));
    assert.equal(payments.source === 'central' && payments.text, 'kind: pipeline\nname: go-v2\n');
  });

  test('concurrent resolves all see the current commit', async () => {
    const revision = await repo.commit({ 'pipelines/release.yml': 'kind: pipeline\nname: release-v3\n' }, 'release v3');
    const results = await Promise.all(
      Array.from({ length: 5 }, () => central.resolve(buildRequest({ slug: 'payments/api', branch: 'main' }))),
    );
    for (const result of results) {
      assert.equal(result.source === 'central' && result.revision, revision);
      assert.equal(result.source === 'central' && result.text, 'kind: pipeline\nname: release-v3\n');
    }
  });
});

describe('CentralConfig with a broken config repository', () => {
  let repo: ConfigRepo;

  before(async () => {
    repo = await ConfigRepo.create({ 'trunkline.rules.yaml': 'rules:\n  - repos: a/*\n    pipeline: p.yml\n', 'p.yml': 'kind: pipeline\n' });
  });
  after(() => repo.dispose());

  test('a broken rules file is a ConfigError naming file:line:col and the field, until it is fixed', async () => {
    const central = new CentralConfig({ mirror: repo.mirror });
    assert.equal((await central.resolve(buildRequest({ slug: 'a/b' }))).source, 'central');
    const broken = await repo.commit(
      { 'trunkline.rules.yaml': 'rules:\n  - repos: a/*\n    pipeline: p.yml\n    branchs: [main]\n' },
      'typo',
    );
    await assert.rejects(central.resolve(buildRequest({ slug: 'a/b', files: ownFile })), (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.match(error.message, /trunkline\.rules\.yaml:4:5: rules\[0\]\.branchs: unknown field "branchs"/);
      assert.match(error.message, new RegExp(broken.slice(0, 8)));
      return true;
    });
    // Repositories no rule could match are not built from their own file either: the rules are unknown.
    await assert.rejects(central.resolve(buildRequest({ slug: 'other/repo', files: ownFile })), ConfigError);
    await repo.commit({ 'trunkline.rules.yaml': 'rules:\n  - repos: a/*\n    pipeline: p.yml\n    branches: [main]\n' }, 'fix');
    assert.equal((await central.resolve(buildRequest({ slug: 'a/b' }))).source, 'central');
  });

  test('a YAML syntax error and a missing pipeline file are reported with where', async () => {
    const central = new CentralConfig({ mirror: repo.mirror });
    await repo.commit({ 'trunkline.rules.yaml': 'rules:\n  - repos: [a/*\n' }, 'syntax');
    await assert.rejects(central.resolve(buildRequest({ slug: 'a/b' })), /trunkline\.rules\.yaml:\d+:\d+: /);
    await repo.commit({ 'trunkline.rules.yaml': 'rules:\n  - name: gone\n    repos: a/*\n    pipeline: missing.yml\n' }, 'missing');
    await assert.rejects(central.resolve(buildRequest({ slug: 'a/b' })), /rule "gone" .* names pipeline missing\.yml, which is not in the config repository/);
    await repo.commit({ 'trunkline.rules.yaml': null }, 'no rules');
    await assert.rejects(central.resolve(buildRequest({ slug: 'a/b' })), /no trunkline\.rules\.yaml in the config repository/);
  });

  test('a configured branch that does not exist is a ConfigError', async () => {
    const central = new CentralConfig({ mirror: repo.mirror, branch: 'nope' });
    await assert.rejects(central.resolve(buildRequest({ slug: 'a/b' })), /has no branch nope/);
  });
});
