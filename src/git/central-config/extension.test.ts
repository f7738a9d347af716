import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ConfigError, ExternalError } from '../../core/index.ts';
import type { Clock } from '../../core/index.ts';
import { CentralConfig } from './central.ts';
import { ConfigRepo, buildRequest, startExtension } from './fixtures.test.ts';
import type { DroneExtension, Received, Reply } from './fixtures.test.ts';

const secret = 'correct-horse-battery-staple';
const ownFile = { '.drone.yml': 'kind: pipeline\nname: own\n' };
const generated = 'kind: pipeline\nname: generated\n';
const clock: Clock = { now: () => Date.UTC(2024, 0, 2, 15, 4, 5) };

/** Answers by repository name, so one server covers every case. */
function answer(request: Received): Reply {
  const body = request.body as { repo: { name: string } };
  switch (body.repo.name) {
    case 'generated':
      return { status: 200, body: JSON.stringify({ data: generated, kind: '' }) };
    case 'empty':
      return { status: 200, body: JSON.stringify({ data: '' }) };
    case 'fallback':
      return { status: 204 };
    case 'broken':
      return { status: 500, body: 'template error', contentType: 'text/plain' };
    case 'garbage':
      return { status: 200, body: '<html>' };
    case 'redirect':
      return { status: 302, body: '' };
    case 'slow':
      return 'hang';
    default:
      return { status: 404, body: 'not found', contentType: 'text/plain' };
  }
}

describe('CentralConfig with a Drone configuration extension', () => {
  let server: DroneExtension;
  let central: CentralConfig;

  before(async () => {
    server = await startExtension(secret, answer);
    central = new CentralConfig({ mirror: undefined, extensions: { gen: { endpoint: server.url, secret, timeoutMs: 2000 } }, clock });
  });
  after(() => server.close());

  test('200 with data: the extension pipeline, from a request signed and shaped as Drone sends it', async () => {
    const request = buildRequest({ slug: 'acme/generated', branch: 'feature/x', event: 'pull_request' });
    const result = await central.resolve(request);
    assert.deepEqual(result, { source: 'extension', file: 'extension:gen', text: generated, endpoint: server.url });

    const received = server.received.at(-1);
    assert.ok(received);
    assert.equal(received.headers.accept, 'application/vnd.drone.config.v1+json');
    assert.equal(received.headers['content-type'], 'application/json');
    assert.equal(received.headers.date, 'Tue, 02 Jan 2024 15:04:05 GMT');
    assert.match(String(received.headers.signature), /keyId="hmac-key",algorithm="hmac-sha256",signature="[^"]+",headers="accept accept-encoding content-type date digest"/);
    const body = received.body as { repo: Record<string, unknown>; build: Record<string, unknown> };
    assert.deepEqual(Object.keys(body), ['repo', 'build']);
    assert.equal(body.repo.namespace, 'acme');
    assert.equal(body.repo.name, 'generated');
    assert.equal(body.repo.slug, 'acme/generated');
    assert.equal(body.repo.config_path, '.drone.yml');
    assert.equal(body.repo.default_branch, 'main');
    assert.equal(body.repo.git_http_url, 'http://git.example.com/acme/generated.git');
    assert.equal(body.repo.visibility, 'private');
    assert.equal(body.repo.private, true);
    assert.equal(body.repo.trusted, false);
    assert.equal(body.build.number, 7);
    assert.equal(body.build.event, 'pull_request');
    assert.equal(body.build.ref, 'refs/heads/feature/x');
    assert.equal(body.build.source, 'feature/x');
    assert.equal(body.build.target, 'feature/x');
    assert.equal(body.build.after, request.build.commitSha);
    assert.equal(body.build.before, request.build.beforeSha);
    assert.equal(body.build.message, 'Fix the thing');
    assert.equal(body.build.author_login, 'octo');
    assert.equal(body.build.author_name, 'Octo Cat');
    assert.equal(body.build.author_email, 'octo@example.com');
    assert.equal(body.build.created, 1_700_000_000);
  });

  test('204, or 200 with empty data as Drone reads it: the repository file', async () => {
    const fallback = await central.resolve(buildRequest({ slug: 'acme/fallback', files: ownFile }));
    assert.deepEqual(fallback, { source: 'repo', file: '.drone.yml', text: ownFile['.drone.yml'] });
    const empty = await central.resolve(buildRequest({ slug: 'acme/empty' }));
    assert.deepEqual(empty, { source: 'none', reason: 'no .drone.yml in the repository at 01234567' });
  });

  test('an error status, a body that is not JSON or a redirect: ExternalError naming the extension and status', async () => {
    await assert.rejects(central.resolve(buildRequest({ slug: 'acme/broken', files: ownFile })), (error: unknown) => {
      assert.ok(error instanceof ExternalError);
      assert.match(error.message, /configuration extension "gen" \(http:\/\/127\.0\.0\.1:\d+\/config\) answered 500: template error/);
      assert.deepEqual(error.details, { extension: 'gen', endpoint: server.url, status: 500 });
      return true;
    });
    await assert.rejects(central.resolve(buildRequest({ slug: 'acme/garbage' })), /extension "gen" .* answered 200 with a body that is not JSON/);
    await assert.rejects(central.resolve(buildRequest({ slug: 'acme/redirect' })), /extension "gen" .* answered 302/);
  });

  test('no answer within timeoutMs: ExternalError', async () => {
    const impatient = new CentralConfig({ mirror: undefined, extensions: { gen: { endpoint: server.url, secret, timeoutMs: 200 } } });
    await assert.rejects(impatient.resolve(buildRequest({ slug: 'acme/slow' })), (error: unknown) => {
      assert.ok(error instanceof ExternalError);
      assert.match(error.message, /extension "gen" .* did not answer within 200 ms/);
      return true;
    });
  });

  test('a request signed with another secret is refused by the extension', async () => {
    const refusedBefore = server.refused;
    const received = server.received.length;
    const impostor = new CentralConfig({ mirror: undefined, extensions: { gen: { endpoint: server.url, secret: 'wrong secret' } } });
    await assert.rejects(impostor.resolve(buildRequest({ slug: 'acme/generated' })), /extension "gen" .* answered 400: Invalid Signature/);
    assert.equal(server.refused, refusedBefore + 1);
    assert.equal(server.received.length, received);
  });

  test('an unreachable extension: ExternalError', async () => {
    const other = await startExtension(secret, answer);
    const url = other.url;
    await other.close();
    const lonely = new CentralConfig({ mirror: undefined, extensions: { gen: { endpoint: url, secret } } });
    await assert.rejects(lonely.resolve(buildRequest({ slug: 'acme/generated' })), /extension "gen" .* is unreachable: .*ECONNREFUSED/);
  });

  test('without a config repository exactly one extension is required', () => {
    assert.throws(() => new CentralConfig({ mirror: undefined }), ConfigError);
    assert.throws(
      () => new CentralConfig({ mirror: undefined, extensions: { a: { endpoint: server.url, secret }, b: { endpoint: server.url, secret } } }),
      /exactly one extension \(found 2\)/,
    );
    assert.throws(() => new CentralConfig({ mirror: undefined, extensions: { a: { endpoint: 'ftp://x', secret } } }), /endpoint must be an http\(s\) URL/);
    assert.throws(() => new CentralConfig({ mirror: undefined, extensions: { a: { endpoint: server.url, secret: '' } } }), /secret must not be empty/);
  });
});

describe('rules that name extensions', () => {
  let server: DroneExtension;
  let repo: ConfigRepo;
  let central: CentralConfig;

  before(async () => {
    server = await startExtension(secret, answer);
    repo = await ConfigRepo.create({
      'trunkline.rules.yaml': [
        'rules:',
        '  - name: locked',
        '    repos: locked/*',
        '    extension: gen',
        '    allowRepositoryFile: false',
        '  - name: legacy',
        '    repos: legacy/*',
        '    extension: gen',
        '',
      ].join('\n'),
    });
    central = new CentralConfig({ mirror: repo.mirror, extensions: { gen: { endpoint: server.url, secret } }, clock });
  });
  after(async () => {
    await server.close();
    await repo.dispose();
  });

  test('the extension answers for the repositories the rule matches', async () => {
    const result = await central.resolve(buildRequest({ slug: 'legacy/generated' }));
    assert.deepEqual(result, { source: 'extension', file: 'extension:gen', text: generated, endpoint: server.url });
    const untouched = server.received.length;
    const own = await central.resolve(buildRequest({ slug: 'other/generated', files: ownFile }));
    assert.equal(own.source, 'repo');
    assert.equal(server.received.length, untouched);
  });

  test('204 falls back to the repository file unless the rule forbids it', async () => {
    const own = await central.resolve(buildRequest({ slug: 'legacy/fallback', files: ownFile }));
    assert.equal(own.source, 'repo');
    const locked = await central.resolve(buildRequest({ slug: 'locked/fallback', files: ownFile }));
    assert.equal(locked.source, 'none');
    assert.match(
      locked.source === 'none' ? locked.reason : '',
      /^extension "gen" has no pipeline for locked\/fallback and rule "locked" .* forbids the repository's own \.drone\.yml/,
    );
  });

  test('a rule naming an extension that is not configured is a ConfigError with its position', async () => {
    const bare = new CentralConfig({ mirror: repo.mirror });
    await assert.rejects(bare.resolve(buildRequest({ slug: 'legacy/x' })), /trunkline\.rules\.yaml:4:16: rules\[0\]\.extension: unknown extension "gen" \(none is configured\)/);
  });
});
