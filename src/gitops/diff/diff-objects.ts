import { stringify } from 'yaml';
import type { KubeObject } from '../../artifacts/index.ts';
import { isTrackedBy } from '../render/index.ts';
import type { IgnoreRule } from './ignore.ts';
import { removePath, ruleMatches, rulePaths } from './ignore.ts';
import { objectKey } from './key.ts';
import { projectPair } from './project.ts';
import { stripServerFields } from './strip.ts';
import { unifiedDiff } from './text-diff.ts';

export type DiffState = 'missing' | 'extra' | 'differs' | 'same';

export interface ResourceDiff {
  /** `group/kind/namespace/name`. */
  key: string;
  group: string;
  kind: string;
  namespace?: string;
  name: string;
  state: DiffState;
  desired?: KubeObject;
  live?: KubeObject;
  /** For `differs`: unified diff of the normalised live (`---`) and desired (`+++`) YAML. */
  diff?: string;
}

export interface AppDiff {
  /** Every object, sorted by key. */
  resources: ResourceDiff[];
}

export interface DiffOptions {
  ignore?: IgnoreRule[];
  /** Live objects count as `extra` only when tracked for this app (any app when unset). */
  appName?: string;
}

/**
 * Desired vs live, per object. Live objects not tracked by Trunkline are
 * someone else's and never reported as extra.
 */
export function diffObjects(desired: readonly KubeObject[], live: readonly KubeObject[], options: DiffOptions = {}): AppDiff {
  const rules = compileRules(options.ignore ?? []);
  const liveByKey = new Map(live.map((o) => [objectKey(o), o]));
  const seen = new Set<string>();
  const resources: ResourceDiff[] = [];
  for (const want of desired) {
    const key = objectKey(want);
    seen.add(key);
    const have = liveByKey.get(key);
    if (have === undefined) {
      resources.push(entry(key, want, 'missing', { desired: want }));
      continue;
    }
    const diff = comparePair(key, want, have, rules);
    resources.push(entry(key, want, diff === '' ? 'same' : 'differs', { desired: want, live: have, ...(diff === '' ? {} : { diff }) }));
  }
  for (const [key, have] of liveByKey) {
    if (!seen.has(key) && isTrackedBy(have, options.appName)) resources.push(entry(key, have, 'extra', { live: have }));
  }
  resources.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return { resources };
}

interface CompiledRules {
  list: { rule: IgnoreRule; paths: ReturnType<typeof rulePaths> }[];
  /** Identifies the rules in the comparison memo. */
  id: string;
}

function compileRules(ignore: readonly IgnoreRule[]): CompiledRules {
  return { list: ignore.map((rule) => ({ rule, paths: rulePaths(rule) })), id: ignore.length === 0 ? '' : JSON.stringify(ignore) };
}

/**
 * The last comparison of each desired object. Rendered objects are cached
 * and never changed; live ones come from the API server with a
 * resourceVersion that changes with them: the same pair at the same
 * version is not compared again.
 */
const compared = new WeakMap<KubeObject, { live: KubeObject; version: string; rules: string; diff: string }>();

/** The unified diff of the normalised pair ('' when they are the same). */
function comparePair(key: string, want: KubeObject, have: KubeObject, rules: CompiledRules): string {
  const version = (have.metadata as { resourceVersion?: string }).resourceVersion;
  const memo = version === undefined ? undefined : compared.get(want);
  if (memo && memo.live === have && memo.version === version && memo.rules === rules.id) return memo.diff;
  const matching = rules.list.filter(({ rule }) => ruleMatches(rule, want));
  const prepare = (object: KubeObject) => {
    // Stripping copies what it changes; only removing ignored paths needs a private copy.
    const copy = stripServerFields((matching.length > 0 ? structuredClone(object) : object) as Record<string, unknown>);
    for (const { paths } of matching) for (const path of paths) removePath(copy, path);
    return copy;
  };
  const [d, l] = projectPair(prepare(want), prepare(have));
  // The projection gives live desired's shape and key order: equal JSON is an equal YAML text.
  let diff = '';
  if (JSON.stringify(d) !== JSON.stringify(l)) {
    const wantText = stringify(d, { sortMapEntries: false, lineWidth: 0 });
    const haveText = stringify(l, { sortMapEntries: false, lineWidth: 0 });
    diff = unifiedDiff(haveText, wantText, { before: `live ${key}`, after: `desired ${key}` });
  }
  if (version !== undefined) compared.set(want, { live: have, version, rules: rules.id, diff });
  return diff;
}

function entry(key: string, object: KubeObject, state: DiffState, rest: Pick<ResourceDiff, 'desired' | 'live' | 'diff'>): ResourceDiff {
  const group = key.slice(0, key.indexOf('/'));
  return {
    key,
    group,
    kind: object.kind,
    ...(object.metadata.namespace ? { namespace: object.metadata.namespace } : {}),
    name: object.metadata.name,
    state,
    ...rest,
  };
}

export function syncStatusOf(diff: AppDiff): 'Synced' | 'OutOfSync' {
  return diff.resources.every((r) => r.state === 'same') ? 'Synced' : 'OutOfSync';
}

/** The objects that keep an application OutOfSync. */
export function outOfSync(diff: AppDiff): ResourceDiff[] {
  return diff.resources.filter((r) => r.state !== 'same');
}
