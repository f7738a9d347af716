import { ConfigError } from '../core/index.ts';

/**
 * Canonical JSON (RFC 8785 style): object keys sorted by UTF-16 code units,
 * no whitespace, numbers and strings as ECMAScript serializes them. Equal
 * data gives equal text whatever its key order, so the text can be hashed.
 * Like `JSON.stringify`, `toJSON` is honoured and `undefined` members are
 * left out; what JSON cannot hold (non-finite numbers, bigints, functions at
 * the top, cycles) is a `ConfigError` naming the path.
 */
export function canonicalJson(value: unknown, path = '$'): string {
  return write(value, path, new Set());
}

function write(value: unknown, path: string, open: Set<object>): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new ConfigError(`${path}: expected a finite number, found ${String(value)}`);
      return JSON.stringify(value);
    case 'object':
      return writeObject(value, path, open);
    default:
      throw new ConfigError(`${path}: expected JSON data, found ${typeof value}`);
  }
}

function writeObject(value: object, path: string, open: Set<object>): string {
  const withJson = value as { toJSON?: unknown };
  if (typeof withJson.toJSON === 'function') return write((withJson.toJSON as () => unknown).call(value), path, open);
  if (open.has(value)) throw new ConfigError(`${path}: expected JSON data, found a cycle`);
  open.add(value);
  try {
    if (Array.isArray(value)) {
      // As JSON.stringify does: holes, undefined and functions become null.
      const items = Array.from(value, (item: unknown, i) => (skipped(item) ? 'null' : write(item, `${path}[${i}]`, open)));
      return `[${items.join(',')}]`;
    }
    const record = value as Record<string, unknown>;
    const members = Object.keys(record)
      .filter((key) => !skipped(record[key]))
      .sort()
      .map((key) => `${JSON.stringify(key)}:${write(record[key], `${path}.${key}`, open)}`);
    return `{${members.join(',')}}`;
  } finally {
    open.delete(value);
  }
}

function skipped(value: unknown): boolean {
  return value === undefined || typeof value === 'function' || typeof value === 'symbol';
}
