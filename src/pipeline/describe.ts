/** Turns schema issues into "expected …, got …" messages and drops the invalid parts of a value. */
import type { z } from 'zod';
import type { YamlPath } from './model.ts';
import { isRecord } from './locate.ts';

export interface Problem {
  path: YamlPath;
  message: string;
}

/** What a YAML value is, in words: `a mapping`, `the number 3`, `a list whose item [1] is a mapping`. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'an empty value';
  if (Array.isArray(value)) {
    const bad = value.findIndex((item) => typeof item !== 'string');
    if (bad >= 0) return `a list whose item [${bad}] is ${describeValue(value[bad])}`;
    return 'a list';
  }
  if (isRecord(value)) return 'a mapping';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (typeof value === 'number') return `the number ${value}`;
  if (typeof value === 'boolean') return `the boolean ${value}`;
  return typeof value;
}

export function valueAt(root: unknown, path: YamlPath): unknown {
  let node = root;
  for (const segment of path) {
    if (Array.isArray(node) && typeof segment === 'number') node = node[segment];
    else if (isRecord(node)) node = node[String(segment)];
    else return undefined;
  }
  return node;
}

/** One problem per issue; schemas carry the expected shape as their error text. */
export function problemsOf(error: z.ZodError, value: unknown): Problem[] {
  return error.issues.map((issue) => {
    const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
    return { path, message: `expected ${issue.message}, got ${describeValue(valueAt(value, path))}` };
  });
}

/** A copy of `value` without the nodes at `paths` (list items are removed, keys deleted). */
export function withoutPaths(value: unknown, paths: readonly YamlPath[]): unknown {
  const removed = Symbol('removed');
  const copy = structuredClone(value);
  for (const path of paths) {
    if (path.length === 0) return undefined;
    const parent = valueAt(copy, path.slice(0, -1));
    const last = path[path.length - 1];
    if (Array.isArray(parent) && typeof last === 'number') parent[last] = removed;
    else if (isRecord(parent) && last !== undefined) delete parent[String(last)];
  }
  return prune(copy, removed);
}

function prune(value: unknown, removed: symbol): unknown {
  if (Array.isArray(value)) return value.filter((item) => item !== removed).map((item) => prune(item, removed));
  if (isRecord(value)) {
    for (const key of Object.keys(value)) value[key] = prune(value[key], removed);
  }
  return value;
}

/**
 * Parses permissively: reports every issue, then parses again without the
 * invalid parts so the rest of the value is still usable.
 */
export function parseLenient<S extends z.ZodType>(schema: S, value: unknown): { data: z.output<S> | undefined; problems: Problem[] } {
  const first = schema.safeParse(value);
  if (first.success) return { data: first.data, problems: [] };
  const problems = problemsOf(first.error, value);
  let current = value;
  let result: z.ZodSafeParseResult<z.output<S>> = first;
  // Removing a node can only fix or keep issues; a few rounds settle it.
  for (let round = 0; round < 3 && !result.success; round++) {
    const paths = result.error.issues.map((i) => i.path.filter((p): p is string | number => typeof p !== 'symbol'));
    current = withoutPaths(current, paths);
    if (current === undefined) return { data: undefined, problems };
    result = schema.safeParse(current);
  }
  return { data: result.success ? result.data : undefined, problems };
}
