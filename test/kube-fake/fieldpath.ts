import { isObject, type Json, type JsonObject } from './json.ts';

/**
 * Field paths in the `fieldsV1` notation of server-side apply: `f:name` for a map or struct
 * field, `k:{"name":"x"}` for an item of a list keyed by its fields, and a trailing `.` for
 * ownership of a map or list item itself. A path is kept as the JSON text of its elements.
 */
export type FieldPath = string[];

/** Fields whose maps are granular (the map itself is owned, `.`), unlike structs. */
const granularMaps = new Set(['labels', 'annotations', 'data', 'stringData', 'binaryData', 'matchLabels', 'nodeSelector']);

/** Key fields tried, in order, to treat a list of objects as an associative list. */
const listKeys: string[][] = [['name'], ['containerPort', 'protocol'], ['port', 'protocol'], ['mountPath'], ['devicePath'], ['ip']];

export function keyFieldsOf(list: Json[]): string[] | undefined {
  if (list.length === 0 || !list.every(isObject)) return undefined;
  const items = list as JsonObject[];
  for (const keys of listKeys) {
    if (items.every((item) => item[keys[0]!] !== undefined)) return keys.filter((key) => items.some((item) => item[key] !== undefined));
  }
  return undefined;
}

export function itemKey(item: JsonObject, keys: string[]): string {
  const key: JsonObject = {};
  for (const name of [...keys].sort()) if (item[name] !== undefined) key[name] = item[name]!;
  return `k:${JSON.stringify(key)}`;
}

function matchesKey(item: Json, element: string): boolean {
  if (!isObject(item)) return false;
  const key = JSON.parse(element.slice(2)) as JsonObject;
  return Object.entries(key).every(([name, value]) => item[name] === value);
}

function collect(value: JsonObject, path: FieldPath, out: Map<string, FieldPath>): void {
  for (const [name, child] of Object.entries(value)) {
    const childPath = [...path, `f:${name}`];
    const keys = Array.isArray(child) ? keyFieldsOf(child) : undefined;
    if (isObject(child) && Object.keys(child).length > 0) {
      if (granularMaps.has(name)) add(out, [...childPath, '.']);
      collect(child, childPath, out);
    } else if (Array.isArray(child) && keys) {
      for (const item of child as JsonObject[]) {
        const itemPath = [...childPath, itemKey(item, keys)];
        add(out, [...itemPath, '.']);
        collect(item, itemPath, out);
      }
    } else add(out, childPath);
  }
}

function add(out: Map<string, FieldPath>, path: FieldPath): void {
  out.set(JSON.stringify(path), path);
}

/** The set of field paths an object sets (keyed by their JSON text). */
export function fieldsOf(value: JsonObject): Map<string, FieldPath> {
  const out = new Map<string, FieldPath>();
  collect(value, [], out);
  return out;
}

/** The value at a path, or undefined. A trailing `.` names the node itself. */
export function valueAt(root: Json | undefined, path: FieldPath): Json | undefined {
  let node: Json | undefined = root;
  for (const element of path) {
    if (element === '.') return node;
    if (element.startsWith('f:')) node = isObject(node) ? node[element.slice(2)] : undefined;
    else if (element.startsWith('k:')) node = Array.isArray(node) ? node.find((item) => matchesKey(item, element)) : undefined;
    else return undefined;
    if (node === undefined) return undefined;
  }
  return node;
}

/** Removes the field or list item a path names (a trailing `.` removes the node itself). */
export function removeAt(root: JsonObject, path: FieldPath): void {
  const target = path.at(-1) === '.' ? path.slice(0, -1) : path;
  const last = target.at(-1);
  if (last === undefined) return;
  const parent = valueAt(root, target.slice(0, -1));
  if (last.startsWith('f:') && isObject(parent)) delete parent[last.slice(2)];
  if (last.startsWith('k:') && Array.isArray(parent)) {
    const index = parent.findIndex((item) => matchesKey(item, last));
    if (index >= 0) parent.splice(index, 1);
  }
}

/** Human form used in conflict messages: `.spec.containers[name="app"].image`. */
export function pathString(path: FieldPath): string {
  return path
    .filter((element) => element !== '.')
    .map((element) => {
      if (element.startsWith('f:')) return `.${element.slice(2)}`;
      const key = JSON.parse(element.slice(2)) as JsonObject;
      return `[${Object.entries(key).map(([name, value]) => `${name}=${JSON.stringify(value)}`).join(',')}]`;
    })
    .join('');
}

export function toFieldsV1(paths: Iterable<FieldPath>): JsonObject {
  const root: JsonObject = {};
  for (const path of paths) {
    let node = root;
    for (const element of path) {
      if (!isObject(node[element])) node[element] = {};
      node = node[element] as JsonObject;
    }
  }
  return root;
}

export function fromFieldsV1(tree: Json | undefined): Map<string, FieldPath> {
  const out = new Map<string, FieldPath>();
  const walk = (node: Json | undefined, path: FieldPath): void => {
    if (!isObject(node)) return;
    const entries = Object.entries(node);
    if (entries.length === 0 && path.length > 0) add(out, path);
    for (const [element, child] of entries) walk(child, [...path, element]);
  };
  walk(tree, []);
  return out;
}
