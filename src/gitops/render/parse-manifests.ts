/**
 * Multi-document YAML (or JSON, which YAML reads too) → Kubernetes objects.
 * Every problem names the file and the line:column of the document or
 * field at fault; `List` kinds are flattened like kubectl does.
 */
import { LineCounter, isMap, isScalar, parseAllDocuments } from 'yaml';
import type { Document } from 'yaml';
import { ConfigError, formatProblem } from '../../core/index.ts';
import type { InputProblem } from '../../core/index.ts';
import type { KubeObject } from '../../artifacts/index.ts';

export function parseManifests(text: string, file: string): KubeObject[] {
  const lines = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const problems: InputProblem[] = [];
  const at = (offset: number, field: string, message: string) => {
    const { line, col } = lines.linePos(offset);
    problems.push({ file, line, column: col, field, message });
  };
  const objects: KubeObject[] = [];
  for (const doc of Array.isArray(docs) ? docs : [docs]) {
    if (doc.errors.length > 0) {
      for (const e of doc.errors) at(e.pos[0], '', e.message.split('\n')[0] ?? e.message);
      continue;
    }
    if (doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null)) continue;
    const start = doc.contents.range?.[0] ?? 0;
    if (!isMap(doc.contents)) {
      at(start, '', 'expected a Kubernetes object (a map with apiVersion, kind and metadata.name)');
      continue;
    }
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: 100 });
    } catch (error) {
      at(start, '', error instanceof Error ? error.message : String(error));
      continue;
    }
    collect(value, doc, [], at, objects);
  }
  if (problems.length > 0) throw new ConfigError(problems.map(formatProblem).join('\n'), { file, problems });
  return objects;
}

type Report = (offset: number, field: string, message: string) => void;
type Path = (string | number)[];

function collect(value: unknown, doc: Document, path: Path, report: Report, into: KubeObject[]): void {
  const record = value as Record<string, unknown>;
  const rangeOf = (keys: Path) => (doc.getIn(keys, true) as { range?: [number] } | undefined)?.range?.[0];
  /** The deepest node that exists on the way to `keys`: a missing field points at the map that should hold it. */
  const offsetOf = (...keys: Path) => {
    const full = [...path, ...keys];
    for (let n = full.length; n > 0; n--) {
      const offset = rangeOf(full.slice(0, n));
      if (offset !== undefined) return offset;
    }
    return doc.contents?.range?.[0] ?? 0;
  };
  const field = (...keys: Path) => fieldName([...path, ...keys]);
  if (typeof record.kind === 'string' && record.kind.endsWith('List') && Array.isArray(record.items)) {
    record.items.forEach((item, i) => {
      if (item === null || typeof item !== 'object' || Array.isArray(item)) report(offsetOf('items', i), field('items', i), 'expected a Kubernetes object');
      else collect(item, doc, [...path, 'items', i], report, into);
    });
    return;
  }
  let ok = true;
  for (const key of ['apiVersion', 'kind'] as const) {
    if (typeof record[key] !== 'string' || record[key] === '') {
      report(offsetOf(key), field(key), record[key] === undefined ? `missing required field "${key}"` : 'expected a non-empty string');
      ok = false;
    }
  }
  const metadata = record.metadata as Record<string, unknown> | undefined;
  if (metadata === null || typeof metadata !== 'object' || Array.isArray(metadata)) {
    report(offsetOf('metadata'), field('metadata'), metadata === undefined ? 'missing required field "metadata"' : 'expected a map');
    ok = false;
  } else if (typeof metadata.name !== 'string' || metadata.name === '') {
    report(offsetOf('metadata', 'name'), field('metadata', 'name'), metadata.name === undefined ? 'missing required field "name"' : 'expected a non-empty string');
    ok = false;
  } else if (metadata.namespace !== undefined && metadata.namespace !== null && typeof metadata.namespace !== 'string') {
    report(offsetOf('metadata', 'namespace'), field('metadata', 'namespace'), 'expected a string');
    ok = false;
  }
  if (ok) into.push(record as KubeObject);
}

function fieldName(path: Path): string {
  return path.map((s, i) => (typeof s === 'number' ? `[${s}]` : i === 0 ? s : `.${s}`)).join('');
}
