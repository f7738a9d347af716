/**
 * YAML text → a value checked by a zod schema, or a `ConfigError` whose
 * message says where (file:line:col), which field and what was expected,
 * for every problem at once.
 */
import { LineCounter, isMap, isPair, isScalar, isSeq, parseDocument } from 'yaml';
import type { Document } from 'yaml';
import type { z } from 'zod';
import { ConfigError } from '../../core/index.ts';

export interface PolicyProblem {
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
  /** e.g. `allow[1].expires`; empty for the file itself. */
  field: string;
  message: string;
}

/** A policy file needs no aliases; this bounds expansion of hostile ones. */
const maxAliasCount = 50;

export function parseYamlWith<S extends z.ZodType>(text: string, file: string, schema: S): z.output<S> {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
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
    value = doc.toJS({ maxAliasCount });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw problemsError(file, [{ file, line: 1, column: 1, field: '', message }]);
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
      const last = path[path.length - 1];
      let message = issue.message;
      if (unknownKey !== undefined) message = `unknown field "${unknownKey}"`;
      else if (issue.code === 'invalid_type' && typeof last === 'string' && valueAt(value, path) === undefined) {
        message = `missing required field "${last}"`;
      }
      return { file, line, column: col, field: fieldName(target), message };
    }),
  );
}

export function formatProblem(p: PolicyProblem): string {
  return `${p.file}:${p.line}:${p.column}: ${p.field ? `${p.field}: ` : ''}${p.message}`;
}

function problemsError(file: string, problems: PolicyProblem[]): ConfigError {
  problems.sort((a, b) => a.line - b.line || a.column - b.column);
  return new ConfigError(problems.map(formatProblem).join('; '), { file, problems });
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
