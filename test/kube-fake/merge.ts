import { itemKey, keyFieldsOf } from './fieldpath.ts';
import { clone, isObject, type Json, type JsonObject } from './json.ts';

/**
 * Merges an applied configuration into a live value: maps field by field, lists of objects
 * keyed by name (or port, mount path…) item by item, anything else replaced.
 */
export function merge(live: Json | undefined, applied: Json | undefined): Json {
  if (applied === undefined) return clone(live ?? null);
  if (isObject(live) && isObject(applied)) {
    const result = clone(live);
    for (const [name, value] of Object.entries(applied)) result[name] = merge(live[name], value);
    return result;
  }
  // An empty associative list adds no items; what others own stays.
  if (Array.isArray(live) && keyFieldsOf(live) && Array.isArray(applied) && applied.length === 0) return clone(live);
  const keys = Array.isArray(applied) ? keyFieldsOf(applied) : undefined;
  if (Array.isArray(live) && Array.isArray(applied) && keys && keyFieldsOf(live)) {
    const result = clone(live) as JsonObject[];
    for (const item of applied as JsonObject[]) {
      const index = result.findIndex((existing) => itemKey(existing, keys) === itemKey(item, keys));
      if (index >= 0) result[index] = merge(result[index], item) as JsonObject;
      else result.push(clone(item));
    }
    return result;
  }
  return clone(applied);
}

/** RFC 7386 JSON merge patch (also used for strategic merge patches, close enough for tests). */
export function mergePatch(target: Json | undefined, patch: Json): Json {
  if (!isObject(patch)) return clone(patch);
  const result: JsonObject = isObject(target) ? clone(target) : {};
  for (const [name, value] of Object.entries(patch)) {
    if (value === null) delete result[name];
    else result[name] = mergePatch(result[name], value);
  }
  return result;
}

/** RFC 6902 JSON patch: add, remove, replace, test (copy and move too). */
export function jsonPatch(target: JsonObject, operations: Json): JsonObject {
  if (!Array.isArray(operations)) throw new Error('a JSON patch is a list of operations');
  let document: Json = clone(target);
  const pointer = (path: Json | undefined): string[] =>
    String(path ?? '').split('/').slice(1).map((part) => part.replaceAll('~1', '/').replaceAll('~0', '~'));
  const parentOf = (parts: string[]): Json => {
    let node: Json | undefined = document;
    for (const part of parts.slice(0, -1)) node = Array.isArray(node) ? node[Number(part)] : isObject(node) ? node[part] : undefined;
    if (node === undefined) throw new Error(`path not found: /${parts.join('/')}`);
    return node;
  };
  const get = (parts: string[]): Json | undefined => {
    if (parts.length === 0) return document;
    const parent = parentOf(parts);
    const last = parts.at(-1)!;
    return Array.isArray(parent) ? parent[Number(last)] : isObject(parent) ? parent[last] : undefined;
  };
  const remove = (parts: string[]): void => {
    const parent = parentOf(parts);
    const last = parts.at(-1)!;
    if (get(parts) === undefined) throw new Error(`path not found: /${parts.join('/')}`);
    if (Array.isArray(parent)) parent.splice(Number(last), 1);
    else if (isObject(parent)) delete parent[last];
  };
  const add = (parts: string[], value: Json): void => {
    if (parts.length === 0) {
      document = clone(value);
      return;
    }
    const parent = parentOf(parts);
    const last = parts.at(-1)!;
    if (Array.isArray(parent)) parent.splice(last === '-' ? parent.length : Number(last), 0, clone(value));
    else if (isObject(parent)) parent[last] = clone(value);
  };
  for (const operation of operations) {
    if (!isObject(operation)) throw new Error('a JSON patch operation is an object');
    const path = pointer(operation.path);
    switch (operation.op) {
      case 'add':
        add(path, operation.value ?? null);
        break;
      case 'remove':
        remove(path);
        break;
      case 'replace':
        remove(path);
        add(path, operation.value ?? null);
        break;
      case 'copy':
        add(path, get(pointer(operation.from)) ?? null);
        break;
      case 'move': {
        const value = get(pointer(operation.from)) ?? null;
        remove(pointer(operation.from));
        add(path, value);
        break;
      }
      case 'test':
        if (JSON.stringify(get(path)) !== JSON.stringify(operation.value)) throw new Error(`test failed at ${String(operation.path)}`);
        break;
      default:
        throw new Error(`unknown JSON patch operation ${String(operation.op)}`);
    }
  }
  if (!isObject(document)) throw new Error('a JSON patch must leave an object');
  return document;
}
