import { startFakeProcess } from '/work/wt/gitops-perf/bench/fake-process.ts';
import { createKubeClient } from '/work/wt/gitops-perf/src/kube/index.ts';
const fake = await startFakeProcess();
const inflight = Number(process.argv[2] ?? 32);
const client = createKubeClient({ kubeconfig: fake.kubeconfig, maxInFlight: inflight });
await client.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'b' } }, { fieldManager: 'x' });
const n = 1000;
for (const pass of [1, 2]) {
const t = Date.now();
const cpu = process.cpuUsage();
const s0 = await fake.cpuMs();
await Promise.all(Array.from({ length: n }, (_, i) => client.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `c${i}`, namespace: 'b', labels: { 'trunkline.dev/app': 'x' } }, data: { a: String(i) } }, { fieldManager: 'x' })));
const c = process.cpuUsage(cpu);
console.log('pass', pass, 'inflight', inflight, 'ms', Date.now() - t, 'cpu', Math.round((c.user + c.system) / 1000), 'server cpu', (await fake.cpuMs()) - s0);
}
await client.close();
await fake.close();
