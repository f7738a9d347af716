/**
 * The persisted state of one sync (`syncs.state`): everything the next step
 * needs, so that any controller can resume it after a restart. The plan
 * keeps the objects themselves: resuming never depends on re-rendering.
 */
import { z } from 'zod';
import type { KubeObject, ObjectRef } from '../../kube/index.ts';

export type SyncStage = 'plan' | 'apply' | 'prune' | 'wait' | 'done';

export type ChangeAction = 'created' | 'configured' | 'pruned';

/** One object a sync changed (or, dry-run, would change). */
export interface ObjectChange {
  key: string;
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
  action: ChangeAction;
  dryRun?: boolean;
}

export interface Conflict {
  key: string;
  field: string;
  manager: string;
}

export interface PlannedStep {
  wave: number;
  phase: string;
  objects: KubeObject[];
}

export interface SyncState {
  stage: SyncStage;
  /** Apply steps in sync order (only the objects that differ or are missing). */
  steps: PlannedStep[];
  /** The next apply step. */
  step: number;
  /** Tracked objects to delete, in prune order. */
  prune: ObjectRef[];
  /** Objects the wait stage checks: applied ones with the generation the apply returned. */
  watched: { ref: ObjectRef; generation?: number }[];
  /** Failed attempts of the current step, and when to try again (ms). */
  attempts: number;
  retryAt?: number;
  /** When waiting for health gives up (ms). */
  waitUntil?: number;
  changed: ObjectChange[];
  conflicts: Conflict[];
  /** Set when the wait gave up with the objects still progressing: the rollout is then Degraded. */
  healthTimedOut?: boolean;
}

const objectRef = z.object({ apiVersion: z.string(), kind: z.string(), name: z.string(), namespace: z.string().optional() });

const stateSchema = z.object({
  stage: z.enum(['plan', 'apply', 'prune', 'wait', 'done']),
  steps: z.array(z.object({ wave: z.number(), phase: z.string(), objects: z.array(z.looseObject({ apiVersion: z.string(), kind: z.string(), metadata: z.looseObject({ name: z.string() }) })) })),
  step: z.number().int().min(0),
  prune: z.array(objectRef),
  watched: z.array(z.object({ ref: objectRef, generation: z.number().optional() })),
  attempts: z.number().int().min(0),
  retryAt: z.number().optional(),
  waitUntil: z.number().optional(),
  changed: z.array(z.looseObject({ key: z.string(), action: z.enum(['created', 'configured', 'pruned']) })),
  conflicts: z.array(z.object({ key: z.string(), field: z.string(), manager: z.string() })),
  healthTimedOut: z.boolean().optional(),
});

export function initialState(): SyncState {
  return { stage: 'plan', steps: [], step: 0, prune: [], watched: [], attempts: 0, changed: [], conflicts: [] };
}

/** The stored state; a new sync's `{}` is the initial state; anything unreadable is undefined (the sync is failed). */
export function readState(value: unknown): SyncState | undefined {
  if (value === null || value === undefined || (typeof value === 'object' && Object.keys(value).length === 0)) return initialState();
  const parsed = stateSchema.safeParse(value);
  return parsed.success ? (parsed.data as unknown as SyncState) : undefined;
}
