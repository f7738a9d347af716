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
const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/apply-patch+yaml', accept: 'application/json' };
const n = 400;
async function viaFetch(i: number) { const r = await fetch(`${cluster.server}/api/v1/namespaces/default/configmaps/c${i}?fieldManager=x`, { method: 'PATCH', body: body(i), headers, dispatcher: agent }); await r.text(); }
async function viaRequest(i: number) { const r = await agent.request({ origin: cluster.server, path: `/api/v1/namespaces/default/configmaps/c${i}?fieldManager=x`, method: 'PATCH', body: body(i), headers }); await r.body.text(); }
for (const [name, fn] of [['fetch', viaFetch], ['request', viaRequest], ['fetch', viaFetch], ['request', viaRequest]] as const) {
  let t = Date.now();
  for (let i = 0; i < n; i++) await fn(i);
  const seq = (Date.now() - t) / n;
  t = Date.now();
  let next = 0;
  await Promise.all(Array.from({ length: 16 }, async () => { while (next < n) await fn(next++); }));
  console.log(name, 'seq ms/req', seq, 'conc16 ms/req', (Date.now() - t) / n);
}
await fake.close();
