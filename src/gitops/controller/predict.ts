/**
 * The exact prediction of a sync: every desired object sent to the API
 * server as a server-side-apply dry run (`dryRun=All`, field manager
 * `trunkline`), and the object the server would store compared with the live
 * one. Unlike the normalised diff, it includes what admission, defaulting
 * and field ownership would do, and it names the conflicts a sync would hit.
 * It costs one API call per desired object, so it runs only on request.
 */
import { stringify } from 'yaml';
import { messageOf } from '../../core/index.ts';
import { ApplyConflictError, refOf } from '../../kube/index.ts';
import type { KubeClient, KubeObject } from '../../kube/index.ts';
import type { ApplicationRecord } from '../contract.ts';
import { stripServerFields, unifiedDiff } from '../diff/index.ts';
import { FIELD_MANAGER } from '../sync/advance.ts';
import type { Assessment } from './assess.ts';

export type PredictedAction = 'create' | 'update' | 'unchanged' | 'conflict' | 'prune' | 'extra' | 'error';

export interface Prediction {
  key: string;
  kind: string;
  namespace?: string;
  name: string;
  action: PredictedAction;
  /** Unified YAML diff, live (`---`) to what the server would store (`+++`). */
  diff?: string;
  conflicts?: { field: string; manager: string }[];
  message?: string;
}

/** Bounded so a large application does not open hundreds of requests at once. */
const concurrency = 8;

export async function predictSync(app: ApplicationRecord, assessment: Assessment, client: KubeClient, options: { force?: boolean } = {}): Promise<Prediction[]> {
  const force = options.force ?? app.syncPolicy.force;
  const jobs = assessment.diff.resources.map((resource) => async (): Promise<Prediction> => {
    const base = { key: resource.key, kind: resource.kind, name: resource.name, ...(resource.namespace ? { namespace: resource.namespace } : {}) };
    if (resource.state === 'extra') return { ...base, action: app.syncPolicy.prune ? 'prune' : 'extra' };
    const desired = resource.desired as KubeObject;
    try {
      const result = await client.apply(desired, { fieldManager: FIELD_MANAGER, force, dryRun: true });
      // The cache holds only tracked objects: one "missing" there may exist untracked (it will be adopted).
      const live = resource.live ?? (await client.get(refOf(desired)));
      const before = live ? yamlOf(live) : '';
      const after = yamlOf(result);
      if (before === after) return { ...base, action: 'unchanged' };
      return { ...base, action: live ? 'update' : 'create', diff: unifiedDiff(before, after, { before: `live ${refLabel(desired)}`, after: 'after sync (server dry run)' }) };
    } catch (error) {
      if (error instanceof ApplyConflictError) return { ...base, action: 'conflict', conflicts: error.conflicts.map((c) => ({ field: c.field, manager: c.manager })) };
      return { ...base, action: 'error', message: messageOf(error) };
    }
  });
  const results: Prediction[] = new Array(jobs.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, jobs.length) }, async () => {
      while (next < jobs.length) {
        const index = next++;
        results[index] = await (jobs[index] as () => Promise<Prediction>)();
      }
    }),
  );
  return results;
}

function yamlOf(object: KubeObject): string {
  return stringify(stripServerFields(structuredClone(object) as Record<string, unknown>), { sortMapEntries: true });
}

function refLabel(object: KubeObject): string {
  const ref = refOf(object);
  return `${ref.kind}/${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}`;
}
