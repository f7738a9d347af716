/** Applies substitution to every string of a parsed pipeline, keeping its YAML sites as they are. */
import type { PipelineDoc } from './model.ts';
import { substitute } from './substitute.ts';

export function substitutePipeline(pipeline: PipelineDoc, vars: Readonly<Record<string, string>>): PipelineDoc {
  return mapStrings(pipeline, (s) => substitute(s, vars)) as PipelineDoc;
}

function mapStrings(value: unknown, fn: (s: string) => string, key?: string): unknown {
  if (key === 'at') return value; // positions, not content
  if (typeof value === 'string') return fn(value);
  if (Array.isArray(value)) return value.map((item) => mapStrings(item, fn));
  if (typeof value === 'object' && value !== null && !(value instanceof Uint8Array)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapStrings(v, fn, k)]));
  }
  return value;
}
