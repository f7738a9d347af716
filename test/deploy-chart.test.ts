/**
 * deploy/helm/trunkline with the real helm and kubectl: lint, render with
 * defaults and with runners and an Ingress, then server-side apply (dry run
 * first) against the in-process fake API server — or the cluster named by
 * TRUNKLINE_TEST_KUBECONFIG, in a namespace of its own, removed afterwards.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseAllDocuments, parse as parseYaml } from 'yaml';
import { runAsync } from './helpers/run.ts';
import { toolPath } from './helpers/tools.ts';
import { startFakeApiServer, type FakeApiServer } from './kube-fake/index.ts';

const root = new URL('..', import.meta.url).pathname;
const chart = join(root, 'deploy/helm/trunkline');
const realKubeconfig = process.env.TRUNKLINE_TEST_KUBECONFIG;
const run = randomBytes(3).toString('hex');
const namespace = `trunkline-chart-${run}`;
const release = `tl-${run}`;
const fullname = `${release}-trunkline`;
const appVersion = (parseYaml(readFileSync(join(chart, 'Chart.yaml'), 'utf8')) as { appVersion: string }).appVersion;

interface EnvVar {
  name: string;
  value?: unknown;
  valueFrom?: { secretKeyRef?: { name: string; key: string }; fieldRef?: { fieldPath: string } };
}
interface Container {
  name: string;
  image: string;
  args?: string[];
  env?: EnvVar[];
  ports?: { name: string; containerPort: number }[];
  volumeMounts?: { name: string; mountPath: string }[];
  livenessProbe?: { httpGet?: { path: string; port: string | number } };
  readinessProbe?: { httpGet?: { path: string; port: string | number } };
  startupProbe?: { httpGet?: { path: string; port: string | number } };
  securityContext?: { allowPrivilegeEscalation?: boolean };
}
interface PodSpec {
  serviceAccountName?: string;
  automountServiceAccountToken?: boolean;
  securityContext?: { runAsNonRoot?: boolean; runAsUser?: number };
  containers: Container[];
}
interface Obj {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: Record<string, unknown>;
  data?: Record<string, string>;
  rules?: { apiGroups: string[]; resources: string[]; verbs: string[] }[];
  roleRef?: { kind: string; name: string };
  subjects?: { kind: string; name: string; namespace?: string }[];
}

const helm = (...args: string[]) => runAsync(toolPath('helm'), args);

async function template(...sets: string[]): Promise<{ yaml: string; objects: Obj[] }> {
  const result = await helm('template', release, chart, '--namespace', namespace, ...sets.flatMap((s) => ['--set', s]));
  assert.equal(result.code, 0, result.stderr);
  const objects = parseAllDocuments(result.stdout)
    .map((doc) => doc.toJS() as Obj | null)
    .filter((o): o is Obj => o !== null);
  return { yaml: result.stdout, objects };
}

const find = (objects: Obj[], kind: string, name: string): Obj => {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  assert.ok(found, `${kind}/${name} in ${objects.map((o) => `${o.kind}/${o.metadata.name}`).join(', ')}`);
  return found;
};
const podSpec = (o: Obj) => (o.spec as { template: { spec: PodSpec } }).template.spec;
const env = (c: Container) => new Map((c.env ?? []).map((e) => [e.name, e]));

const withRunners = ['runners.enabled=true', 'runners.replicas=3', 'runners.capacity=4', 'runners.labels.arch=amd64', 'runners.token.value=runner-secret-token', 'server.capacity=0', 'server.lostStages=requeue', 'ingress.enabled=true', 'ingress.host=ci.example.test', 'ingress.tls.enabled=true'];

describe('helm chart deploy/helm/trunkline', () => {
  it('passes helm lint --strict, with defaults and with runners and ingress', async () => {
    const plain = await helm('lint', '--strict', chart);
    assert.equal(plain.code, 0, plain.stdout + plain.stderr);
    const full = await helm('lint', '--strict', chart, ...withRunners.flatMap((s) => ['--set', s]));
    assert.equal(full.code, 0, full.stdout + full.stderr);
  });

  it('rejects values outside its schema and runners without a token', async () => {
    const bad = await helm('template', release, chart, '--set', 'server.lostStages=sometimes');
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /lostStages/);
    const sqliteReplicas = await helm('template', release, chart, '--set', 'server.replicas=3');
    assert.notEqual(sqliteReplicas.code, 0);
    assert.match(sqliteReplicas.stderr, /needs Postgres: set database\.url or database\.existingSecret/);
    const unshared = await helm('template', release, chart, '--set', 'server.replicas=3', '--set', 'database.url=postgres://tl:pw@db:5432/trunkline');
    assert.notEqual(unshared.code, 0);
    assert.match(unshared.stderr, /server\.persistence\.existingClaim to a ReadWriteMany PVC/);
    const notPostgres = await helm('template', release, chart, '--set', 'database.url=mysql://db/trunkline');
    assert.notEqual(notPostgres.code, 0);
    assert.match(notPostgres.stderr, /database\/url/);
    const tokenless = await helm('template', release, chart, '--set', 'runners.enabled=true');
    assert.notEqual(tokenless.code, 0);
    assert.match(tokenless.stderr, /trunkline runners add NAME/);
  });

  it('renders by default one server on a volume, its Services, a secret key and RBAC, and no runners', async () => {
    const { objects } = await template();
    assert.deepEqual(objects.map((o) => `${o.kind}/${o.metadata.name}`).sort(), [
      `ClusterRole/${fullname}-gitops`,
      `ClusterRoleBinding/${fullname}-gitops`,
      `Secret/${fullname}-secret-key`,
      `Service/${fullname}`,
      `Service/${fullname}-headless`,
      `ServiceAccount/${fullname}`,
      `StatefulSet/${fullname}`,
    ]);
    const sts = find(objects, 'StatefulSet', fullname);
    const spec = sts.spec as { replicas: number; serviceName: string; volumeClaimTemplates: { metadata: { name: string }; spec: { resources: { requests: { storage: string } } } }[] };
    assert.equal(spec.replicas, 1);
    assert.equal(spec.serviceName, `${fullname}-headless`);
    assert.equal(spec.volumeClaimTemplates[0]!.metadata.name, 'data');
    assert.equal(spec.volumeClaimTemplates[0]!.spec.resources.requests.storage, '20Gi');
    const pod = podSpec(sts);
    assert.equal(pod.serviceAccountName, fullname);
    assert.equal(pod.securityContext?.runAsNonRoot, true);
    const server = pod.containers[0]!;
    assert.equal(server.image, `ghcr.io/trunkline/trunkline:${appVersion}`);
    assert.deepEqual(server.args, ['server']);
    assert.deepEqual(server.ports, [{ name: 'http', containerPort: 8080, protocol: 'TCP' }]);
    for (const probe of [server.livenessProbe, server.readinessProbe, server.startupProbe]) assert.deepEqual(probe?.httpGet, { path: '/healthz', port: 'http' });
    assert.deepEqual(server.volumeMounts, [{ name: 'data', mountPath: '/var/lib/trunkline' }]);
    const vars = env(server);
    assert.equal(vars.get('TRUNKLINE_HOST')?.value, '0.0.0.0');
    assert.equal(vars.get('TRUNKLINE_DATA_DIR')?.value, '/var/lib/trunkline');
    assert.equal(vars.get('TRUNKLINE_CAPACITY')?.value, '2');
    assert.equal(vars.get('TRUNKLINE_LOST_STAGES')?.value, 'fail');
    assert.equal(vars.get('TRUNKLINE_PUBLIC_URL')?.value, `http://${fullname}.${namespace}.svc:8080`);
    assert.equal(vars.get('TRUNKLINE_RUNNER_NAME')?.valueFrom?.fieldRef?.fieldPath, 'metadata.name');
    const keyRef = vars.get('TRUNKLINE_SECRET_KEY')?.valueFrom?.secretKeyRef;
    const secret = find(objects, 'Secret', `${fullname}-secret-key`);
    assert.ok(keyRef && secret.data?.[keyRef.key], 'the secret key comes from the Secret the chart made');
    assert.equal(keyRef.name, secret.metadata.name);
    assert.ok(Buffer.from(secret.data[keyRef.key]!, 'base64').length >= 32);
    assert.equal(secret.metadata.annotations?.['helm.sh/resource-policy'], 'keep');
    for (const c of pod.containers) for (const e of c.env ?? []) assert.ok(e.value === undefined || typeof e.value === 'string', `${e.name} is a string`);

    const service = find(objects, 'Service', fullname);
    const selector = (service.spec as { selector: Record<string, string> }).selector;
    const podLabels = (sts.spec as { template: { metadata: { labels: Record<string, string> } } }).template.metadata.labels;
    for (const [k, v] of Object.entries(selector)) assert.equal(podLabels[k], v, `the Service selects the server pod by ${k}`);
  });

  it('grants the GitOps controller namespaced workloads cluster-wide, nothing cluster-scoped but namespaces', async () => {
    const { objects } = await template();
    const role = find(objects, 'ClusterRole', `${fullname}-gitops`);
    const can = (group: string, resource: string, verb: string) =>
      role.rules!.some((r) => r.apiGroups.includes(group) && r.resources.includes(resource) && r.verbs.includes(verb));
    for (const [group, resource] of [['apps', 'deployments'], ['apps', 'statefulsets'], ['', 'services'], ['', 'configmaps'], ['', 'secrets'], ['networking.k8s.io', 'ingresses'], ['batch', 'jobs']] as const) {
      for (const verb of ['get', 'list', 'watch', 'create', 'patch', 'delete']) assert.ok(can(group, resource, verb), `${verb} ${group}/${resource}`);
    }
    assert.ok(can('', 'namespaces', 'create'));
    assert.equal(can('', 'namespaces', 'delete'), false, 'environments are never deleted by the controller');
    assert.equal(can('', 'pods', 'delete'), false);
    assert.ok(!role.rules!.some((r) => r.resources.some((res) => ['clusterroles', 'clusterrolebindings', 'customresourcedefinitions', 'nodes', '*'].includes(res))));
    assert.ok(!role.rules!.some((r) => r.verbs.includes('*') || r.apiGroups.includes('*')));
    const binding = find(objects, 'ClusterRoleBinding', `${fullname}-gitops`);
    assert.deepEqual(binding.roleRef, { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role.metadata.name });
    assert.deepEqual(binding.subjects, [{ kind: 'ServiceAccount', name: fullname, namespace }]);
    const off = await template('rbac.create=false', 'serviceAccount.create=false');
    assert.ok(!off.objects.some((o) => o.kind.includes('Role') || o.kind === 'ServiceAccount'));
    assert.equal(podSpec(find(off.objects, 'StatefulSet', fullname)).serviceAccountName, 'default');
  });

  it('renders runners pointed at the server Service with their token, and an Ingress that sets the public URL', async () => {
    const { objects } = await template(...withRunners);
    const deployment = find(objects, 'Deployment', `${fullname}-runner`);
    assert.equal((deployment.spec as { replicas: number }).replicas, 3);
    const pod = podSpec(deployment);
    assert.equal(pod.automountServiceAccountToken, false, 'runners need no Kubernetes API access');
    const runner = pod.containers[0]!;
    assert.deepEqual(runner.args, ['runner', '--capacity', '4', '--data', '/var/lib/trunkline-runner', '--labels', 'arch=amd64']);
    const vars = env(runner);
    const serverUrl = new URL(String(vars.get('TRUNKLINE_SERVER')?.value));
    const service = find(objects, 'Service', fullname);
    assert.equal(serverUrl.hostname, `${service.metadata.name}.${namespace}.svc`);
    assert.equal(Number(serverUrl.port), (service.spec as { ports: { port: number }[] }).ports[0]!.port);
    const tokenRef = vars.get('TRUNKLINE_RUNNER_TOKEN')?.valueFrom?.secretKeyRef;
    assert.ok(tokenRef);
    const tokenSecret = find(objects, 'Secret', tokenRef.name);
    assert.equal(Buffer.from(tokenSecret.data![tokenRef.key]!, 'base64').toString(), 'runner-secret-token');
    assert.equal(runner.volumeMounts?.[0]?.mountPath, '/var/lib/trunkline-runner');

    const server = env(podSpec(find(objects, 'StatefulSet', fullname)).containers[0]!);
    assert.equal(server.get('TRUNKLINE_CAPACITY')?.value, '0');
    assert.equal(server.get('TRUNKLINE_LOST_STAGES')?.value, 'requeue');
    assert.equal(server.get('TRUNKLINE_PUBLIC_URL')?.value, 'https://ci.example.test');
    const ingress = find(objects, 'Ingress', fullname);
    const rule = (ingress.spec as { rules: { host: string; http: { paths: { backend: { service: { name: string; port: { name: string } } } }[] } }[] }).rules[0]!;
    assert.equal(rule.host, 'ci.example.test');
    assert.deepEqual(rule.http.paths[0]!.backend.service, { name: fullname, port: { name: 'http' } });
    assert.deepEqual((ingress.spec as { tls: { hosts: string[] }[] }).tls[0]!.hosts, ['ci.example.test']);

    const external = await template(...withRunners, 'runners.token.existingSecret=my-runner-token', 'runners.serverUrl=https://ci.example.test');
    assert.ok(!external.objects.some((o) => o.kind === 'Secret' && o.metadata.name.endsWith('-runner-token')), 'a token Secret the user made is not created');
    const externalRunner = env(podSpec(find(external.objects, 'Deployment', `${fullname}-runner`)).containers[0]!);
    assert.equal(externalRunner.get('TRUNKLINE_RUNNER_TOKEN')?.valueFrom?.secretKeyRef?.name, 'my-runner-token');
    assert.equal(externalRunner.get('TRUNKLINE_SERVER')?.value, 'https://ci.example.test');
  });

  it('gives runners of type: kubernetes stages pods, pods/log and secrets in the stage namespace only', async () => {
    const { objects } = await template(...withRunners, 'runners.kubernetes.enabled=true', 'runners.kubernetes.namespace=builds', 'runners.kubernetes.nodeSelector.disktype=ssd');
    const pod = podSpec(find(objects, 'Deployment', `${fullname}-runner`));
    assert.equal(pod.serviceAccountName, `${fullname}-runner`);
    assert.equal(pod.automountServiceAccountToken, true);
    const vars = env(pod.containers[0]!);
    assert.deepEqual(['TRUNKLINE_KUBERNETES', 'TRUNKLINE_KUBERNETES_NAMESPACE', 'TRUNKLINE_KUBERNETES_NODE_SELECTOR'].map((name) => vars.get(name)?.value), ['on', 'builds', 'disktype=ssd']);
    const role = find(objects, 'Role', `${fullname}-runner`);
    assert.equal(role.metadata.namespace, 'builds');
    assert.deepEqual(role.rules?.map((r) => [r.resources.join(','), r.verbs.join(',')]), [
      ['pods', 'get,list,watch,create,patch,delete'],
      ['pods/log', 'get'],
      ['secrets', 'get,list,create,patch,delete'],
    ]);
    const binding = find(objects, 'RoleBinding', `${fullname}-runner`);
    assert.deepEqual(binding.subjects, [{ kind: 'ServiceAccount', name: `${fullname}-runner`, namespace }]);
    find(objects, 'ServiceAccount', `${fullname}-runner`);
  });

  it('runs several server replicas on Postgres and one shared volume, the URL kept in a Secret', async () => {
    const url = 'postgres://tl:pw@db.example.test:5432/trunkline';
    const sets = ['server.replicas=3', `database.url=${url}`, 'server.persistence.existingClaim=trunkline-shared'];
    const { yaml, objects } = await template(...sets);
    const sts = find(objects, 'StatefulSet', fullname);
    const spec = sts.spec as { replicas: number; podManagementPolicy?: string; volumeClaimTemplates?: unknown[] };
    assert.equal(spec.replicas, 3);
    assert.equal(spec.podManagementPolicy, 'Parallel', 'replicas start together');
    assert.equal(spec.volumeClaimTemplates, undefined, 'no volume per pod');
    const pod = podSpec(sts) as PodSpec & { volumes?: { name: string; persistentVolumeClaim?: { claimName: string } }[] };
    assert.deepEqual(pod.volumes, [{ name: 'data', persistentVolumeClaim: { claimName: 'trunkline-shared' } }]);
    const ref = env(pod.containers[0]!).get('TRUNKLINE_DATABASE_URL')?.valueFrom?.secretKeyRef;
    const secret = find(objects, 'Secret', `${fullname}-database`);
    assert.ok(ref);
    assert.equal(ref.name, secret.metadata.name);
    assert.equal(Buffer.from(secret.data?.[ref.key] ?? '', 'base64').toString(), url);
    assert.equal(yaml.split(url).length - 1, 0, 'the URL (with its password) is never in clear text');
    const lint = await helm('lint', '--strict', chart, ...sets.flatMap((s) => ['--set', s]));
    assert.equal(lint.code, 0, lint.stdout + lint.stderr);

    const { objects: own } = await template('server.replicas=2', 'database.existingSecret=pg', 'database.key=url', 'server.persistence.existingClaim=shared');
    assert.deepEqual(env(podSpec(find(own, 'StatefulSet', fullname)).containers[0]!).get('TRUNKLINE_DATABASE_URL')?.valueFrom?.secretKeyRef, { name: 'pg', key: 'url' });
    assert.ok(!own.some((o) => o.metadata.name === `${fullname}-database`), 'no Secret made for an existing one');
  });

  it('tells in its notes how to get the admin token and register runners', async () => {
    const result = await helm('install', release, chart, '--namespace', namespace, '--dry-run=client');
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, new RegExp(`exec ${fullname}-0 -- cat /var/lib/trunkline/admin\\.token`));
    assert.match(result.stdout, new RegExp(`exec ${fullname}-0 -- trunkline runners add`));
    assert.match(result.stdout, /runners\.token\.existingSecret=/);
  });

  describe(realKubeconfig ? 'applied to the cluster of TRUNKLINE_TEST_KUBECONFIG' : 'applied to the fake API server', () => {
    let fake: FakeApiServer | undefined;
    let dir: string;
    let kubeconfig: string;
    const kubectl = (...args: string[]) => runAsync(toolPath('kubectl'), ['--kubeconfig', kubeconfig, ...args]);

    before(async () => {
      dir = mkdtempSync(join(tmpdir(), 'trunkline-chart-'));
      if (realKubeconfig) {
        kubeconfig = realKubeconfig;
      } else {
        fake = await startFakeApiServer({ bookmarkIntervalMs: 0 });
        kubeconfig = join(dir, 'kubeconfig');
        writeFileSync(kubeconfig, fake.kubeconfig);
      }
      writeFileSync(join(dir, 'namespace.yaml'), `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${namespace}\n`);
      const ns = await kubectl('apply', '--server-side', '-f', join(dir, 'namespace.yaml'));
      assert.equal(ns.code, 0, ns.stderr);
    });
    after(async () => {
      if (kubeconfig) {
        await kubectl('delete', 'clusterrolebinding,clusterrole', '-l', `app.kubernetes.io/instance=${release}`, '--ignore-not-found');
        await kubectl('delete', 'namespace', namespace, '--ignore-not-found', '--wait=false');
      }
      await fake?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('applies server-side, dry run first, and reads the objects back', async () => {
      const { yaml, objects } = await template(...withRunners);
      const file = join(dir, 'rendered.yaml');
      writeFileSync(file, yaml);
      const dry = await kubectl('apply', '--server-side', '--dry-run=server', '-n', namespace, '-f', file);
      assert.equal(dry.code, 0, dry.stderr);
      assert.match(dry.stdout, new RegExp(`statefulset\\.apps/${fullname} serverside-applied \\(server dry run\\)`));
      const none = await kubectl('get', 'statefulsets,deployments', '-n', namespace, '-o', 'name');
      assert.equal(none.stdout.trim(), '', 'a dry run creates nothing');

      const applied = await kubectl('apply', '--server-side', '-n', namespace, '-f', file);
      assert.equal(applied.code, 0, applied.stderr);
      for (const o of objects) assert.match(applied.stdout, new RegExp(`/${o.metadata.name} serverside-applied`), `${o.kind}/${o.metadata.name}`);

      const got = await kubectl('get', 'statefulset,deployment,service,ingress,secret,serviceaccount', '-n', namespace, '-l', `app.kubernetes.io/instance=${release}`, '-o', 'json');
      assert.equal(got.code, 0, got.stderr);
      const items = (JSON.parse(got.stdout) as { items: Obj[] }).items;
      const live = items.map((o) => `${o.kind}/${o.metadata.name}`);
      for (const o of objects.filter((x) => !x.kind.startsWith('Cluster'))) assert.ok(live.includes(`${o.kind}/${o.metadata.name}`), `${o.kind}/${o.metadata.name} is live`);
      const runner = env(podSpec(find(items, 'Deployment', `${fullname}-runner`)).containers[0]!);
      assert.equal(runner.get('TRUNKLINE_SERVER')?.value, `http://${fullname}.${namespace}.svc:8080`);
      const server = podSpec(find(items, 'StatefulSet', fullname)).containers[0]!;
      assert.equal(server.readinessProbe?.httpGet?.path, '/healthz');

      const role = await kubectl('get', 'clusterrole', `${fullname}-gitops`, '-o', 'json');
      assert.equal(role.code, 0, role.stderr);
      assert.ok((JSON.parse(role.stdout) as Obj).rules!.some((r) => r.resources.includes('deployments')));
      const binding = await kubectl('get', 'clusterrolebinding', `${fullname}-gitops`, '-o', 'json');
      assert.deepEqual((JSON.parse(binding.stdout) as Obj).subjects, [{ kind: 'ServiceAccount', name: fullname, namespace }]);

      const again = await kubectl('apply', '--server-side', '-n', namespace, '-f', file);
      assert.equal(again.code, 0, `applying twice is a no-op: ${again.stderr}`);
    });
  });
});
