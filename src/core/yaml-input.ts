/**
 * YAML text checked by a zod schema at the boundary: every problem becomes
 * `file:line:col: field.path: what was expected`, all at once, in a
 * `ConfigError` whose details list them. Shared by every YAML input
 * (values files, policies, rules files…).
 */
import { LineCounter, isMap, isPair, isScalar, isSeq, parseDocument } from 'yaml';
import type { Document } from 'yaml';
import type { z } from 'zod';
import { ConfigError } from './errors.ts';

export interface InputProblem {
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
  /** `ports[0].containerPort`; empty for the file as a whole. */
  field: string;
  message: string;
}

export interface YamlInputOptions {
  /** `1.1` where the file is also read by a YAML 1.1 parser (Helm): `on`/`yes` then mean the same to both. */
  version?: '1.1' | '1.2';
  /** Bounds alias expansion (real files need few, a hostile one many). */
  maxAliasCount?: number;
  /** What an empty document stands for (default: null). */
  empty?: unknown;
}

export function parseYamlWith<S extends z.ZodType>(text: string, file: string, schema: S, options: YamlInputOptions = {}): z.output<S> {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true, version: options.version ?? '1.2' });
  if (doc.errors.length > 0) {
    throw problemsError(
      file,
      doc.errors.map((e) => {
        const { line, col } = lines.linePos(e.pos[0]);
        return { file, line, column: col, field: '', message: e.message.split('\n')[0] ?? e.message };
      }),
    );
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: options.maxAliasCount ?? 100 }) ?? options.empty ?? null;
  } catch (error) {
    throw problemsError(file, [{ file, line: 1, column: 1, field: '', message: error instanceof Error ? error.message : String(error) }]);
  }
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw problemsError(
    file,
    result.error.issues.map((issue) => {
      const path = issue.path.filter((s): s is string | number => typeof s !== 'symbol');
      const unknownKey = issue.code === 'unrecognized_keys' ? issue.keys[0] : undefined;
      const target = unknownKey === undefined ? path : [...path, unknownKey];
      const { line, col } = lines.linePos(offsetOf(doc, target, unknownKey !== undefined));
      return { file, line, column: col, field: fieldName(target), message: describe(issue, value, path, unknownKey) };
    }),
  );
}

export function formatProblem(p: InputProblem): string {
  return `${p.file}:${p.line}:${p.column}: ${p.field ? `${p.field}: ` : ''}${p.message}`;
}

function describe(issue: z.core.$ZodIssue, value: unknown, path: readonly (string | number)[], unknownKey: string | undefined): string {
  if (unknownKey !== undefined) return `unknown field "${unknownKey}"`;
  const last = path[path.length - 1];
  if (typeof last === 'string' && valueAt(value, path) === undefined && (issue.code === 'invalid_type' || issue.code === 'invalid_union')) {
    return `missing required field "${last}"`;
  }
  // A schema's own wording wins over zod's generic one.
  if (issue.code === 'invalid_type' && issue.message.startsWith('Invalid input')) return `expected ${issue.expected}, got ${kindOf(valueAt(value, path))}`;
  if (issue.code === 'invalid_format' && issue.format === 'regex') {
    if (issue.message.startsWith('Invalid string')) return `expected a string matching ${String(issue.pattern)}`;
    return issue.message.startsWith('expected') ? issue.message : `expected ${issue.message}`;
  }
  if (issue.code === 'invalid_value' && issue.message.startsWith('Invalid option')) {
    return `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}, got ${kindOf(valueAt(value, path))}`;
  }
  return issue.message;
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a map';
  return `${typeof value} ${JSON.stringify(value)}`;
}

function valueAt(value: unknown, path: readonly (string | number)[]): unknown {
  let node = value;
  for (const segment of path) {
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, segment)) return undefined;
    node = (node as Record<string | number, unknown>)[segment];
  }
  return node;
}

function problemsError(file: string, problems: InputProblem[]): ConfigError {
  problems.sort((a, b) => a.line - b.line || a.column - b.column);
  return new ConfigError(problems.map(formatProblem).join('\n'), { file, problems });
}

function fieldName(path: readonly (string | number)[]): string {
  return path.map((s, i) => (typeof s === 'number' ? `[${s}]` : i === 0 ? s : `.${s}`)).join('');
}

/**
 * Offset of the deepest node that exists on `path`: a missing key points
 * at the mapping that should hold it, an unknown key at the key itself.
 */
function offsetOf(doc: Document, path: readonly (string | number)[], wantKey: boolean): number {
  let node: unknown = doc.contents;
  let offset = start(node) ?? 0;
  for (const [i, segment] of path.entries()) {
    let next: unknown;
    let key: unknown;
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(segment));
      if (!pair) break;
      next = pair.value;
      key = pair.key;
    } else if (isSeq(node) && typeof segment === 'number') {
      next = node.items[segment];
      if (next === undefined) break;
    } else {
      break;
    }
    if (wantKey && i === path.length - 1 && key) return start(key) ?? offset;
    offset = start(next) ?? start(key) ?? offset;
    node = next;
  }
  return offset;
}

function start(node: unknown): number | undefined {
  if (node && typeof node === 'object' && 'range' in node) {
    const range = (node as { range?: unknown }).range;
    if (Array.isArray(range) && typeof range[0] === 'number') return range[0];
  }
  return undefined;
}
