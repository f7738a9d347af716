/**
 * JSON text → a value checked by a zod schema, or a `ConfigError` naming
 * the file, the field path (`Results[2].Vulnerabilities[0].Severity`) and
 * what was expected there.
 */
import type { z } from 'zod';
import { ConfigError } from '../../core/index.ts';

export interface ReportProblem {
  /** e.g. `matches[3].artifact.name`; empty for the document itself. */
  field: string;
  message: string;
}

/** Problems listed in the message; all of them are in `details.problems`. */
const maxListed = 5;

export function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ConfigError(`${file}: not valid JSON: ${reason}`, { file, problems: [{ field: '', message: reason }] });
  }
}

export function checkWith<S extends z.ZodType>(value: unknown, file: string, schema: S): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const path = issue.path.filter((s): s is string | number => typeof s !== 'symbol');
    return { field: fieldName(path), message: describeIssue(issue, valueAt(value, path)) };
  });
  throw reportError(file, problems);
}

export function reportError(file: string, problems: ReportProblem[]): ConfigError {
  const listed = problems.slice(0, maxListed).map((p) => `${file}: ${p.field ? `${p.field}: ` : ''}${p.message}`);
  const more = problems.length > maxListed ? ` (and ${problems.length - maxListed} more)` : '';
  return new ConfigError(listed.join('; ') + more, { file, problems });
}

function describeIssue(issue: z.core.$ZodIssue, value: unknown): string {
  switch (issue.code) {
    case 'invalid_type':
      return `expected ${issue.expected}, found ${describeValue(value)}`;
    case 'invalid_value':
      return `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}, found ${describeValue(value)}`;
    default:
      return issue.message;
  }
}

function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing (the field is missing)';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  return `${typeof value} ${String(value)}`;
}

function valueAt(value: unknown, path: readonly (string | number)[]): unknown {
  let node = value;
  for (const segment of path) {
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, segment)) return undefined;
    node = (node as Record<string | number, unknown>)[segment];
  }
  return node;
}

function fieldName(path: readonly (string | number)[]): string {
  return path.map((s, i) => (typeof s === 'number' ? `[${s}]` : i === 0 ? s : `.${s}`)).join('');
}
