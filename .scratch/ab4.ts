import { startFakeApiServer } from '/work/wt/gitops-perf/test/kube-fake/index.ts';
import { createKubeClient } from '/work/wt/gitops-perf/src/kube/index.ts';
const fake = await startFakeApiServer({ bookmarkIntervalMs: 0 });
const client = createKubeClient({ kubeconfig: fake.kubeconfig, maxInFlight: 1 });
const n = 500;
for (const pass of [1, 2, 3]) {
  const t = Date.now();
  for (let i = 0; i < n; i++) await client.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `c${i}`, namespace: 'default' }, data: { a: String(i + (pass === 3 ? 1 : 0)) } }, { fieldManager: 'x' });
  console.log('pass', pass, 'ms/req', (Date.now() - t) / n);
}
await client.close(); await fake.close();
