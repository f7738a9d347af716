import type { FakeApiServer } from '../kube-fake/index.ts';

/**
 * The fake has no workload controllers: finish each Deployment rollout as
 * kube-controller-manager would, until the returned function is called.
 */
export function finishRollouts(fake: FakeApiServer): () => void {
  const timer = setInterval(() => {
    for (const d of fake.objects({ apiVersion: 'apps/v1', kind: 'Deployment' })) {
      const meta = d.metadata as { name: string; namespace: string; generation?: number };
      if ((d.status as { observedGeneration?: number } | undefined)?.observedGeneration !== meta.generation) {
        fake.completeRollout({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: meta.namespace, name: meta.name });
      }
    }
  }, 20);
  return () => clearInterval(timer);
}
