/**
 * The sync state machine, advanced one step per call: plan → apply (one
 * step of the sync order per call, server-side apply as `trunkline`) →
 * prune (tracked objects of this app only, in reverse order) → wait (for
 * health, with a deadline) → done. Each call stores the new state, so a
 * restarted controller continues from the last completed step; re-running
 * a step is safe because server-side apply and delete are idempotent.
 */
import { ConfigError, ConflictError, messageOf } from '../../core/index.ts';
import type { Clock } from '../../core/index.ts';
import { ApplyConflictError, objectKey as refKey, refOf } from '../../kube/index.ts';
import type { KubeObject } from '../../kube/index.ts';
import type { ClusterCache } from '../cache/cluster-cache.ts';
import type { ApplicationRecord, GitopsStore, SyncRecord } from '../contract.ts';
import { objectKey } from '../diff/index.ts';
import { appHealth } from '../health/index.ts';
import type { HealthRegistry } from '../health/index.ts';
import { isTrackedBy, pruneOrder, syncOrder } from '../render/index.ts';
import { assess, desiredOf } from '../controller/assess.ts';
import type { ConfigSources } from '../source/config-sources.ts';
import { readState } from './state.ts';
import type { ObjectChange, SyncState } from './state.ts';

export const FIELD_MANAGER = 'trunkline';

export interface SyncContext {
  store: GitopsStore;
  app: ApplicationRecord;
  cache: ClusterCache;
  sources: ConfigSources;
  clock: Clock;
  /** Give up waiting for health after this long (default 5 minutes). */
  healthTimeoutMs?: number;
  /** Attempts of a step that fails for a transient reason (default 5), with doubling backoff from `retryDelayMs` (default 1 s). */
  maxAttempts?: number;
  retryDelayMs?: number;
  registry?: HealthRegistry;
}

const active = ['Pending', 'Running'] as const;

function changeOf(object: KubeObject, action: ObjectChange['action'], dryRun: boolean): ObjectChange {
  return {
    key: objectKey(object),
    apiVersion: object.apiVersion,
    kind: object.kind,
    ...(object.metadata.namespace ? { namespace: object.metadata.namespace } : {}),
    name: object.metadata.name,
    action,
    ...(dryRun ? { dryRun: true } : {}),
  };
}

async function save(ctx: SyncContext, record: SyncRecord, state: SyncState, extra: { status?: 'Running' } = {}): Promise<SyncRecord> {
  return ctx.store.syncs.update(record.id, { status: extra.status ?? 'Running', phase: state.stage, state, objectsChanged: state.changed }, { ifStatus: active });
}

async function finish(ctx: SyncContext, record: SyncRecord, state: SyncState, result: 'Succeeded' | 'Failed', message: string): Promise<SyncRecord> {
  const done: SyncState = { ...state, stage: 'done', retryAt: undefined };
  return ctx.store.syncs.update(record.id, { status: result, phase: 'done', state: done, objectsChanged: state.changed, message }, { ifStatus: active });
}

/** Whether the sync has nothing more to do. */
export function isFinished(record: SyncRecord): boolean {
  return !(active as readonly string[]).includes(record.status);
}

/** Performs the sync's next step and stores the result. A step that must wait (retry backoff) returns the record unchanged. */
export async function advanceSync(ctx: SyncContext, record: SyncRecord): Promise<SyncRecord> {
  if (isFinished(record)) return record;
  const state = readState(record.state);
  if (!state) return finish(ctx, record, { stage: 'done', steps: [], step: 0, prune: [], watched: [], attempts: 0, changed: [], conflicts: [] }, 'Failed', 'the stored sync state is unreadable (written by another version?)');
  if (state.retryAt !== undefined && ctx.clock.now() < state.retryAt) return record;
  try {
    switch (state.stage) {
      case 'plan':
        return await plan(ctx, record, state);
      case 'apply':
        return await applyStep(ctx, record, state);
      case 'prune':
        return await pruneStep(ctx, record, state);
      case 'wait':
        return await waitStep(ctx, record, state);
      case 'done':
        return await finish(ctx, record, state, 'Succeeded', record.message ?? 'done');
    }
  } catch (error) {
    // The store refused the update: the sync was ended elsewhere (terminated).
    if (error instanceof ConflictError && !(error instanceof ApplyConflictError)) throw error;
    return retryOrFail(ctx, record, state, error);
  }
}

async function retryOrFail(ctx: SyncContext, record: SyncRecord, state: SyncState, error: unknown): Promise<SyncRecord> {
  const attempts = state.attempts + 1;
  // An invalid object or a bad revision will not fix itself.
  if (error instanceof ConfigError || attempts >= (ctx.maxAttempts ?? 5)) {
    return finish(ctx, record, { ...state, attempts }, 'Failed', `${state.stage} failed${attempts > 1 ? ` after ${attempts} attempts` : ''}: ${messageOf(error)}`);
  }
  const delay = (ctx.retryDelayMs ?? 1000) * 2 ** (attempts - 1);
  return save(ctx, record, { ...state, attempts, retryAt: ctx.clock.now() + delay });
}

async function plan(ctx: SyncContext, record: SyncRecord, state: SyncState): Promise<SyncRecord> {
  const desired = await desiredOf(ctx.app, ctx.sources, record.revision);
  await ctx.cache.watch(uniqueTypes(desired));
  const assessment = assess(ctx.app, record.revision, desired, ctx.cache, ctx.registry);
  const toApply = assessment.diff.resources.filter((r) => r.state === 'missing' || r.state === 'differs').map((r) => r.desired as KubeObject);
  const extra = assessment.diff.resources.filter((r) => r.state === 'extra').map((r) => r.live as KubeObject);
  const next: SyncState = {
    ...state,
    stage: 'apply',
    steps: syncOrder(toApply).map((s) => ({ wave: s.wave, phase: s.phase, objects: s.objects })),
    step: 0,
    prune: record.prune ? pruneOrder(extra).flatMap((s) => s.objects.map(refOf)) : [],
    watched: desired.map((object) => ({ ref: refOf(object) })),
    attempts: 0,
    retryAt: undefined,
  };
  return save(ctx, record, next);
}

function uniqueTypes(objects: readonly KubeObject[]): { apiVersion: string; kind: string }[] {
  const seen = new Map<string, { apiVersion: string; kind: string }>();
  for (const o of objects) seen.set(`${o.apiVersion}/${o.kind}`, { apiVersion: o.apiVersion, kind: o.kind });
  return [...seen.values()];
}

async function applyStep(ctx: SyncContext, record: SyncRecord, state: SyncState): Promise<SyncRecord> {
  const step = state.steps[state.step];
  if (!step) return save(ctx, record, { ...state, stage: record.prune && state.prune.length > 0 ? 'prune' : 'wait', attempts: 0, retryAt: undefined });
  const results = await Promise.allSettled(
    step.objects.map(async (object) => {
      const existed = ctx.cache.get(refOf(object)) !== undefined;
      const applied = await ctx.cache.client.apply(object, { fieldManager: FIELD_MANAGER, force: record.force, dryRun: record.dryRun });
      return { object, applied, existed };
    }),
  );
  const conflicts = results.flatMap((r, i) =>
    r.status === 'rejected' && r.reason instanceof ApplyConflictError
      ? r.reason.conflicts.map((c) => ({ key: objectKey(step.objects[i] as KubeObject), field: c.field, manager: c.manager }))
      : [],
  );
  const changed = [...state.changed];
  const watched = [...state.watched];
  for (const r of results) {
    if (r.status !== 'fulfilled') continue;
    changed.push(changeOf(r.value.object, r.value.existed ? 'configured' : 'created', record.dryRun));
    const at = watched.findIndex((w) => refKey(w.ref) === refKey(refOf(r.value.object)));
    const entry = { ref: refOf(r.value.object), generation: r.value.applied.metadata.generation };
    if (at >= 0) watched[at] = entry;
    else watched.push(entry);
  }
  // Keep what succeeded: a retry re-applies the step, which is idempotent, but the record shows progress.
  const progressed: SyncState = { ...state, changed: dedupe(changed), watched, conflicts };
  if (conflicts.length > 0) {
    const list = conflicts.map((c) => `${c.key} ${c.field} (owned by ${c.manager || 'another manager'})`).join('; ');
    return finish(ctx, record, progressed, 'Failed', `field-manager conflicts (sync with force to take these fields): ${list}`);
  }
  const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failure) return retryOrFail(ctx, record, progressed, failure.reason);
  return save(ctx, record, { ...progressed, step: state.step + 1, attempts: 0, retryAt: undefined });
}

function dedupe(changes: ObjectChange[]): ObjectChange[] {
  const byKey = new Map<string, ObjectChange>();
  for (const c of changes) if (!byKey.has(`${c.action}:${c.key}`)) byKey.set(`${c.action}:${c.key}`, c);
  return [...byKey.values()];
}

async function pruneStep(ctx: SyncContext, record: SyncRecord, state: SyncState): Promise<SyncRecord> {
  const changed = [...state.changed];
  for (const ref of state.prune) {
    const live = ctx.cache.get(ref) ?? (await ctx.cache.client.get(ref));
    // Only objects this application still tracks: never someone else's.
    if (!live || !isTrackedBy(live, ctx.app.name)) continue;
    const deleted = await ctx.cache.client.delete(ref, { propagationPolicy: 'Foreground', dryRun: record.dryRun });
    if (deleted && !changed.some((c) => c.action === 'pruned' && c.key === objectKey(live))) changed.push(changeOf(live, 'pruned', record.dryRun));
  }
  return save(ctx, record, { ...state, changed, stage: 'wait', attempts: 0, retryAt: undefined });
}

async function waitStep(ctx: SyncContext, record: SyncRecord, state: SyncState): Promise<SyncRecord> {
  const summary = summarise(state);
  if (record.dryRun) return finish(ctx, record, state, 'Succeeded', `dry run: ${summary}`);
  const now = ctx.clock.now();
  if (state.waitUntil === undefined) return save(ctx, record, { ...state, waitUntil: now + (ctx.healthTimeoutMs ?? 300_000) });
  // An object the plan found in place and this sync did not apply, gone since: waiting cannot bring it back,
  // ending the sync lets the next one (self-heal) restore it. (What this sync applied may still be on its way to the cache.)
  const applied = new Set(state.changed.map((c) => c.key));
  const vanished = state.watched.find(({ ref }) => {
    const key = objectKey({ apiVersion: ref.apiVersion, kind: ref.kind, metadata: { name: ref.name, ...(ref.namespace ? { namespace: ref.namespace } : {}) } } as KubeObject);
    return !applied.has(key) && ctx.cache.watches(ref) && ctx.cache.get(ref) === undefined;
  });
  if (vanished) return finish(ctx, record, state, 'Failed', `${summary}; ${vanished.ref.kind} ${vanished.ref.name} was deleted during the sync`);
  const health = healthOf(ctx, state.watched);
  if (health.status === 'Healthy') return finish(ctx, record, state, 'Succeeded', `${summary}; healthy`);
  if (health.status === 'Degraded') return finish(ctx, record, state, 'Failed', `${summary}; degraded: ${health.message}`);
  if (now >= state.waitUntil) {
    return finish(ctx, record, { ...state, healthTimedOut: true }, 'Failed', `${summary}; timed out waiting for health (${health.status}): ${health.message}`);
  }
  return record;
}

/** Health of the applied objects as the cache sees them; an object the cache has not seen at its applied generation is still progressing. */
export function healthOf(ctx: Pick<SyncContext, 'cache' | 'registry'>, watched: SyncState['watched']): { status: string; message: string } {
  const inputs = [];
  for (const { ref, generation } of watched) {
    const live = ctx.cache.get(ref);
    if (live && generation !== undefined && (live.metadata.generation ?? 0) < generation) {
      return { status: 'Progressing', message: `${ref.kind} ${ref.name}: waiting for the applied generation` };
    }
    inputs.push({ desired: { apiVersion: ref.apiVersion, kind: ref.kind, metadata: { name: ref.name, ...(ref.namespace ? { namespace: ref.namespace } : {}) } } as KubeObject, live });
  }
  const health = appHealth(inputs, ctx.registry);
  return { status: health.status, message: health.message };
}

function summarise(state: SyncState): string {
  const count = (action: string) => state.changed.filter((c) => c.action === action).length;
  return `${count('created')} created, ${count('configured')} configured, ${count('pruned')} pruned`;
}

