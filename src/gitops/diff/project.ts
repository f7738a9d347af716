/**
 * The normalised pair (desired, live) the diff compares. Only what desired
 * specifies counts: a field absent from desired is a server default or
 * another manager's, so it is left out of live's side too. Lists of
 * objects with a merge key (containers and env by `name`, ports by
 * `containerPort`/`port`…) pair items by key, not position; quantities
 * compare by value (`1000m` = `1`, `1Gi` = `1024Mi`).
 */
import { sameQuantity } from './quantity.ts';

/** Merge keys by list field name, most specific first; `name` for the rest. */
const mergeKeys: Record<string, readonly string[]> = {
  ports: ['containerPort', 'port', 'name'],
  volumeMounts: ['mountPath'],
  volumeDevices: ['devicePath'],
  hostAliases: ['ip'],
  tolerations: [],
  args: [],
  command: [],
};
const defaultKeys = ['name'];
/** Maps whose values are quantities, and fields that are one. */
const quantityMaps = new Set(['requests', 'limits', 'capacity', 'hard', 'allocatable', 'overhead']);
const quantityFields = new Set(['storage', 'sizeLimit']);

type Json = Record<string, unknown>;

const isMap = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);
const isEmpty = (v: unknown) => (Array.isArray(v) ? v.length === 0 : isMap(v) && Object.keys(v).length === 0);

export function projectPair(desired: unknown, live: unknown, path: readonly string[] = []): [unknown, unknown] {
  if (isMap(desired)) {
    const d: Json = {};
    const l: Json = {};
    for (const [key, value] of Object.entries(desired)) {
      if (value === null || value === undefined) continue;
      if (isMap(live) && Object.hasOwn(live, key) && live[key] !== null) {
        [d[key], l[key]] = projectPair(value, live[key], [...path, key]);
      } else if (!isEmpty(value)) {
        d[key] = projectPair(value, value, [...path, key])[0];
      }
    }
    return [d, isMap(live) ? l : live];
  }
  if (Array.isArray(desired) && Array.isArray(live)) return projectList(desired, live, path);
  if (Array.isArray(desired)) return [desired.map((v) => projectPair(v, v, path)[0]), live];
  const field = path[path.length - 1] ?? '';
  const parent = path[path.length - 2] ?? '';
  if ((quantityMaps.has(parent) || quantityFields.has(field)) && sameQuantity(desired, live)) return [desired, desired];
  return [desired, live];
}

function projectList(desired: unknown[], live: unknown[], path: readonly string[]): [unknown[], unknown[]] {
  const key = mergeKeyOf(desired, path[path.length - 1] ?? '');
  if (key === undefined) {
    const d: unknown[] = [];
    const l: unknown[] = [];
    desired.forEach((item, i) => {
      if (i < live.length) {
        const [a, b] = projectPair(item, live[i], path);
        d.push(a);
        l.push(b);
      } else {
        d.push(projectPair(item, item, path)[0]);
      }
    });
    return [d, [...l, ...live.slice(desired.length)]];
  }
  const keyOf = (item: unknown) => JSON.stringify((item as Json)[key]);
  const liveByKey = new Map<string, unknown>();
  for (const item of live) if (isMap(item) && item[key] !== undefined) liveByKey.set(keyOf(item), item);
  const d: unknown[] = [];
  const l: unknown[] = [];
  const used = new Set<string>();
  for (const item of desired) {
    const match = liveByKey.get(keyOf(item));
    if (match === undefined) {
      d.push(projectPair(item, item, path)[0]);
      continue;
    }
    used.add(keyOf(item));
    const [a, b] = projectPair(item, match, path);
    d.push(a);
    l.push(b);
  }
  // Items only live has are real differences (an apply would remove those Trunkline set before).
  const extra = live.filter((item) => !(isMap(item) && used.has(keyOf(item))));
  return [d, [...l, ...extra]];
}

function mergeKeyOf(desired: unknown[], field: string): string | undefined {
  if (desired.length === 0 || !desired.every(isMap)) return undefined;
  const candidates = mergeKeys[field] ?? defaultKeys;
  return candidates.find((k) => desired.every((item) => (item as Json)[k] !== undefined));
}
