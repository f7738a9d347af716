import { startFakeProcess } from '/work/wt/gitops-perf/bench/fake-process.ts';
import { KubeConfig } from '@kubernetes/client-node';
import { Agent, fetch } from 'undici';
const fake = await startFakeProcess();
const kc = new KubeConfig(); kc.loadFromString(fake.kubeconfig);
const cluster = kc.getCurrentCluster()!;
const ca = Buffer.from((cluster as any).caData, 'base64');
const token = (kc.getCurrentUser() as any).token;
const agent = new Agent({ connect: { ca } });
const body = (i: number) => JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `c${i}`, namespace: 'default' }, data: { a: String(i) } });
const n = 500;
let t = Date.now();
for (let i = 0; i < n; i++) {
  const r = await fetch(`${cluster.server}/api/v1/namespaces/default/configmaps/c${i}?fieldManager=x`, { method: 'PATCH', body: body(i), headers: { authorization: `Bearer ${token}`, 'content-type': 'application/apply-patch+yaml', accept: 'application/json' }, dispatcher: agent });
  await r.text();
}
console.log('raw undici sequential ms/req', (Date.now() - t) / n);
t = Date.now();
for (let i = 0; i < n; i++) {
  const r = await fetch(`${cluster.server}/api/v1/namespaces/default/configmaps/c${i}`, { headers: { authorization: `Bearer ${token}`, accept: 'application/json' }, dispatcher: agent });
  await r.text();
}
console.log('raw undici GET ms/req', (Date.now() - t) / n);
await fake.close();
