/**
 * Preview environments end to end: a real server, real pushes to the built-in
 * git host, pipelines whose `trunkline release` step goes to the branch's
 * preview, and the fake kube API server registered as cluster `default`.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { api } from './helpers/api.ts';
import { ServerProcess } from './helpers/server-process.ts';
import { GitClient, withCredentials } from './helpers/git-client.ts';
import { waitFor } from './helpers/wait.ts';
import { startFakeApiServer } from './kube-fake/index.ts';
import type { FakeApiServer } from './kube-fake/index.ts';

interface Preview {
  name: string;
  repo: string;
  branch: string;
  service: string;
  cluster: string | null;
  namespace: string;
  url: string | null;
  imageTag: string | null;
  expiresAt: string | null;
  status: string;
  message: string | null;
}

interface KubeThing {
  metadata: { labels?: Record<string, string>; annotations?: Record<string, string> };
  spec: { template: { spec: { containers: { image: string }[] } }; rules: { host: string }[] };
}

function environmentsYaml(provisioner: string): string {
  return `environments:
  - { name: staging, kind: staging, cluster: default }
  - { name: production, kind: production, cluster: default, namespace: prod }
  - name: preview
    kind: preview
    cluster: default
    namespace: preview-{branch}
    accepts: { branches: "feature-*" }
    ingress: { host: "{service}.{branch}.preview.localhost" }
    preview: { from: staging, ttl: 2h, maxConcurrent: 2 }
  - name: sandbox
    kind: preview
    namespace: sandbox-{branch}
    accepts: { branches: "sandbox-*" }
    preview: { from: staging, provisioner: ${provisioner} }
  - name: short
    kind: preview
    cluster: default
    namespace: short-{branch}
    accepts: { branches: "idle-*" }
    preview: { from: staging, ttl: 2s }
`;
}

const stagingValues = `image:
  repository: registry.local/acme/api
ports:
  - { name: http, containerPort: 8080 }
ingress:
  enabled: true
  host: api.staging.example.com   # staging's own host
`;

const pipeline = `kind: pipeline
type: exec
name: default
steps:
- name: release
  commands:
  - trunkline release api --config-repo platform/config --env staging --tag "\${DRONE_BUILD_NUMBER}-\${DRONE_BRANCH}-\${DRONE_COMMIT_SHA:0:8}" --image-repository registry.local/acme/api
  when:
    branch: [main, "feature-*"]
    event: [push, create]
`;

describe('preview environments', () => {
  let fake: FakeApiServer;
  let server: ServerProcess;
  let dataDir: string;
  let token: string;
  let work: string;
  let config: GitClient;
  let source: GitClient;
  let call: ReturnType<typeof api>;
  let configBare: string;
  const serverEnv = { TRUNKLINE_PREVIEW_INTERVAL_SECONDS: '0.2' };

  before(async () => {
    fake = await startFakeApiServer({ bookmarkIntervalMs: 0 });
    work = mkdtempSync(join(tmpdir(), 'tl-previews-'));
    const script = join(work, 'provision.sh');
    writeFileSync(join(work, 'kubeconfig.json'), JSON.stringify(fake.kubeconfig));
    writeFileSync(
      script,
      `#!/bin/sh
set -e
env | grep '^TRUNKLINE_PREVIEW_' | sort > "${work}/provisioner-$TRUNKLINE_PREVIEW_ACTION.env"
if [ "$TRUNKLINE_PREVIEW_ACTION" = create ]; then
  printf '{"kubeconfig": %s, "url": "https://%s.sandbox.example.com/"}\\n' "$(cat "${work}/kubeconfig.json")" "$TRUNKLINE_PREVIEW_BRANCH"
fi
`,
      { mode: 0o755 },
    );
    dataDir = join(work, 'data');
    server = new ServerProcess(dataDir, serverEnv);
    const url = await server.url;
    token = ServerProcess.token(dataDir);
    call = api(url, token);
    assert.equal((await call('POST', '/api/clusters', { name: 'default', kubeconfig: fake.kubeconfig })).status, 201);

    // The environments' config repository exists from the first start (empty).
    const { body: configRepo } = await call<{ httpUrl: string; cloneUrl: string }>('GET', '/api/repos/platform/config');
    configBare = configRepo.cloneUrl;
    config = await GitClient.init();
    await config.git('remote', 'add', 'origin', withCredentials(configRepo.httpUrl, 'admin', token));
    await config.commit(
      {
        'environments.yaml': environmentsYaml(script),
        'environments/staging/api/values.yaml': stagingValues,
        'environments/staging/api/release.yaml': 'image:\n  repository: registry.local/acme/api\n  tag: 1-main-00000000\n',
      },
      'environments',
    );
    await config.git('push', '-q', 'origin', 'main');

    const { body: apiRepo } = await call<{ httpUrl: string }>('POST', '/api/repos', { namespace: 'acme', name: 'api' });
    source = await GitClient.init();
    await source.git('remote', 'add', 'origin', withCredentials(apiRepo.httpUrl, 'admin', token));
    await source.commit({ '.drone.yml': pipeline, 'main.txt': 'v1' }, 'first');
    await source.git('push', '-q', 'origin', 'main');
  });

  after(async () => {
    await server.stop();
    await fake.close();
    for (const dir of [work, config.dir, source.dir]) rmSync(dir, { recursive: true, force: true });
  });

  const previews = async () => (await call<Preview[]>('GET', '/api/previews')).body;
  const preview = async (name: string) => (await previews()).find((p) => p.name === name);
  const configFile = (path: string) => {
    try {
      return execFileSync('git', ['show', `main:${path}`], { cwd: configBare, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    } catch {
      return undefined;
    }
  };
  const deployment = (namespace: string) => fake.object({ apiVersion: 'apps/v1', kind: 'Deployment', namespace, name: `api-${namespace}` }) as unknown as KubeThing | undefined;
  const namespaceObject = (name: string) => fake.object({ apiVersion: 'v1', kind: 'Namespace', name }) as unknown as KubeThing | undefined;
  const imageOf = (namespace: string) => deployment(namespace)?.spec.template.spec.containers[0]?.image;

  it('a feature-x push creates its preview with the feature image and URL; a second push updates it; deleting the branch removes it', async () => {
    await source.git('checkout', '-q', '-b', 'feature-x');
    const first = await source.commit({ 'feature.txt': 'one' }, 'feature one');
    await source.git('push', '-q', 'origin', 'feature-x');

    const created = await waitFor(() => preview('preview-feature-x'), 'preview recorded');
    assert.equal(created.repo, 'acme/api');
    assert.equal(created.branch, 'feature-x');
    const ns = await waitFor(() => namespaceObject('preview-feature-x'), 'namespace created');
    assert.equal(ns.metadata.labels?.['app.kubernetes.io/managed-by'], 'trunkline');
    assert.equal(ns.metadata.labels?.['trunkline.dev/preview'], 'preview-feature-x');
    assert.equal(ns.metadata.annotations?.['trunkline.dev/branch'], 'feature-x');

    const firstImage = await waitFor(() => imageOf('preview-feature-x'), 'preview deployment applied', 60_000);
    assert.match(firstImage, new RegExp(`^registry\\.local/acme/api:\\d+-feature-x-${first.slice(0, 8)}$`));
    assert.match(configFile('environments/preview-feature-x/api/values.yaml') ?? '', /host: api\.feature-x\.preview\.localhost/);
    assert.match(configFile('environments/staging/api/values.yaml') ?? '', /host: api\.staging\.example\.com/, 'staging keeps its own host');

    // What the cluster's controllers would do: the rollout completes, the ingress controller assigns an address.
    fake.completeRollout({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'preview-feature-x', name: 'api-preview-feature-x' });
    const ingressRef = { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', namespace: 'preview-feature-x', name: 'api-preview-feature-x' };
    const ingress = (await waitFor(() => fake.object(ingressRef), 'preview ingress applied', 60_000)) as unknown as KubeThing;
    assert.equal(ingress.spec.rules[0]?.host, 'api.feature-x.preview.localhost');
    fake.setStatus(ingressRef, { loadBalancer: { ingress: [{ ip: '10.0.0.7' }] } });
    const ready = await waitFor(async () => {
      const p = await preview('preview-feature-x');
      return p?.status === 'ready' ? p : undefined;
    }, 'preview ready', 60_000);
    assert.equal(ready.url, 'http://api.feature-x.preview.localhost/');
    assert.equal(ready.imageTag, firstImage.split(':')[1]);
    assert.ok(ready.expiresAt && Date.parse(ready.expiresAt) > Date.now());

    const second = await source.commit({ 'feature.txt': 'two' }, 'feature two');
    await source.git('push', '-q', 'origin', 'feature-x');
    const secondImage = await waitFor(() => {
      const image = imageOf('preview-feature-x');
      return image?.endsWith(second.slice(0, 8)) && image;
    }, 'preview updated', 60_000);
    assert.notEqual(secondImage, firstImage);
    assert.equal(configFile('environments/staging/api/release.yaml')?.includes('feature-x'), false, 'the branch never reaches staging');

    assert.equal((await call('DELETE', '/api/previews/staging')).status, 404);
    await source.git('push', '-q', 'origin', ':feature-x');
    await waitFor(async () => (await preview('preview-feature-x')) === undefined, 'preview removed', 60_000);
    assert.equal(namespaceObject('preview-feature-x'), undefined, 'namespace deleted');
    assert.equal((await call('GET', '/api/applications/api-preview-feature-x')).status, 404, 'application deleted');
    assert.equal(configFile('environments/preview-feature-x/api/release.yaml'), undefined, 'config folder removed');
    assert.match(execFileSync('git', ['log', '-1', '--format=%B', 'main'], { cwd: configBare, encoding: 'utf8' }), /^Remove preview preview-feature-x[\s\S]*Reason: branch-deleted/);
  });

  it('a branch that matches no preview pattern gets none', async () => {
    await source.git('checkout', '-q', '-b', 'bugfix-1', 'main');
    await source.commit({ 'bug.txt': 'fix' }, 'fix');
    await source.git('push', '-q', 'origin', 'bugfix-1');
    await waitFor(async () => {
      const builds = (await call<{ branch: string; status: string }[]>('GET', '/api/repos/acme/api/builds')).body;
      return builds.some((b) => b.branch === 'bugfix-1' && ['success', 'failure', 'error'].includes(b.status));
    }, 'bugfix build finished', 60_000);
    assert.equal((await previews()).filter((p) => p.branch === 'bugfix-1').length, 0);
    assert.equal(namespaceObject('preview-bugfix-1'), undefined);
  });

  it('a provisioner hook makes the preview (kubeconfig registered as a cluster, its URL) and is called to delete it', async () => {
    await source.git('checkout', '-q', '-b', 'sandbox-y', 'main');
    await source.commit({ 'sandbox.txt': 'y' }, 'sandbox');
    await source.git('push', '-q', 'origin', 'sandbox-y');
    const made = await waitFor(async () => {
      const p = await preview('sandbox-sandbox-y');
      return p?.cluster ? p : undefined;
    }, 'sandbox provisioned', 60_000);
    assert.equal(made.cluster, 'preview-sandbox-y');
    assert.equal(made.url, 'https://sandbox-y.sandbox.example.com/');
    const inputs = readFileSync(join(work, 'provisioner-create.env'), 'utf8');
    for (const line of ['TRUNKLINE_PREVIEW_ACTION=create', 'TRUNKLINE_PREVIEW_NAME=sandbox-sandbox-y', 'TRUNKLINE_PREVIEW_BRANCH=sandbox-y', 'TRUNKLINE_PREVIEW_REPO=acme/api', 'TRUNKLINE_PREVIEW_SERVICE=api', 'TRUNKLINE_PREVIEW_NAMESPACE=sandbox-sandbox-y']) {
      assert.match(inputs, new RegExp(`^${line}$`, 'm'));
    }
    assert.match(inputs, /^TRUNKLINE_PREVIEW_COMMIT=[0-9a-f]{40}$/m);
    const clusters = (await call<{ name: string; hasKubeconfig: boolean }[]>('GET', '/api/clusters')).body;
    assert.equal(clusters.find((c) => c.name === 'preview-sandbox-y')?.hasKubeconfig, true);

    assert.equal((await call('POST', '/api/users', { login: 'vera', role: 'viewer' })).status, 201);
    const viewer = (await call<{ token: string }>('POST', '/api/users/vera/tokens', { name: 'test' })).body;
    assert.equal((await call('DELETE', '/api/previews/sandbox-sandbox-y', undefined, viewer.token)).status, 403);
    assert.equal((await call('DELETE', '/api/previews/sandbox-sandbox-y')).status, 204);
    assert.match(readFileSync(join(work, 'provisioner-delete.env'), 'utf8'), /^TRUNKLINE_PREVIEW_ACTION=delete$/m);
    assert.equal(await preview('sandbox-sandbox-y'), undefined);
    assert.equal((await call<{ name: string }[]>('GET', '/api/clusters')).body.some((c) => c.name === 'preview-sandbox-y'), false);
  });

  it('a preview idle past its TTL is torn down', async () => {
    await source.git('checkout', '-q', '-b', 'idle-z', 'main');
    await source.commit({ 'idle.txt': 'zzz' }, 'idle');
    await source.git('push', '-q', 'origin', 'idle-z');
    // The TTL of "short" is 2s: with no further push the periodic check tears it down (the clock-driven case is in the service's tests).
    const namespaceCalls = (method: string) => fake.requests().filter((r) => r.method === method && r.path.split('?')[0] === '/api/v1/namespaces/short-idle-z');
    await waitFor(() => namespaceCalls('DELETE').length > 0, 'expired preview namespace deleted', 60_000);
    assert.ok(namespaceCalls('PATCH').length > 0, 'it was created first');
    assert.equal(namespaceObject('short-idle-z'), undefined);
    await waitFor(async () => (await preview('short-idle-z')) === undefined, 'expired preview gone from the list');
  });

  it('keeps previews across a crash of the server', async () => {
    await source.git('checkout', '-q', '-b', 'feature-r', 'main');
    await source.commit({ 'r.txt': 'r' }, 'restart');
    await source.git('push', '-q', 'origin', 'feature-r');
    await waitFor(() => namespaceObject('preview-feature-r'), 'preview namespace');
    await server.kill();
    server = new ServerProcess(dataDir, serverEnv);
    call = api(await server.url, token);
    assert.equal((await preview('preview-feature-r'))?.branch, 'feature-r');
    const { body: apiRepo } = await call<{ httpUrl: string }>('GET', '/api/repos/acme/api');
    await source.git('remote', 'set-url', 'origin', withCredentials(apiRepo.httpUrl, 'admin', token));
    await source.git('push', '-q', 'origin', ':feature-r');
    await waitFor(async () => (await preview('preview-feature-r')) === undefined && namespaceObject('preview-feature-r') === undefined, 'preview removed after restart', 60_000);
  });
});
