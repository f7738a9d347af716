import { z } from 'zod';
import { ConfigError } from '../../../core/index.ts';

/**
 * Parses a webhook payload with a permissive schema (unknown fields pass)
 * and turns the first problem into a `ConfigError` naming the field:
 * `github push payload: repository.full_name: expected a string`.
 */
export function parsePayload<T extends z.ZodType>(schema: T, body: unknown, what: string): z.output<T> {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const problems = result.error.issues.map(describeIssue);
  throw new ConfigError(`${what}: ${problems[0] ?? 'invalid'}`, { problems });
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const where = pathOf(issue.path);
  const what = issue.code === 'invalid_type' ? `expected ${article(issue.expected)}` : issue.message;
  return where === '' ? what : `${where}: ${what}`;
}

/** `commits[0].added` style. */
export function pathOf(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out;
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

/** `namespace/name` as a host spells a repository (GitLab namespaces may nest: `group/sub/project`). */
export const fullName = z.string().regex(/^[^/]+(\/[^/]+)+$/, 'expected "namespace/name"');

/** A 40 (SHA-1) or 64 (SHA-256) hex object id. */
export const sha = z.string().regex(/^([0-9a-f]{40}|[0-9a-f]{64})$/, 'expected a commit id (hex)');

export function splitFullName(name: string): { namespace: string; name: string } {
  const slash = name.lastIndexOf('/');
  return { namespace: name.slice(0, slash), name: name.slice(slash + 1) };
}

/** `value[key]` when `value` is a plain object, else undefined (for reading before a payload is validated). */
export function memberOf(value: unknown, key: string): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  return Object.hasOwn(value, key) ? (value as Record<string, unknown>)[key] : undefined;
}
