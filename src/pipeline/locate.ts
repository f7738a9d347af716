/**
 * Maps paths inside the YAML documents of a file back to line/column and
 * to a readable field path, so every diagnostic can say where it applies.
 */
import { isAlias, isMap, isPair, isScalar, isSeq } from 'yaml';
import type { Document, LineCounter, Node } from 'yaml';
import type { Loc, Site, YamlPath } from './model.ts';

/** How documents are named in field paths: `pipeline "build"`, or `document 2` when it has no kind. */
export function documentLabel(value: unknown, index: number): string {
  if (isRecord(value) && typeof value.kind === 'string') {
    const name = typeof value.name === 'string' ? value.name : value.kind === 'pipeline' ? 'default' : '';
    return name ? `${value.kind} ${JSON.stringify(name)}` : value.kind;
  }
  return `document ${index + 1}`;
}

/**
 * `pipeline "build" > steps[2] "test" > when.branch`: the document, then
 * the step or service (with its name), then the dotted path inside it.
 */
export function fieldPath(docLabel: string, path: YamlPath, nameAt: (path: YamlPath) => string | undefined): string {
  const groups = docLabel ? [docLabel] : [];
  let current = '';
  path.forEach((segment, i) => {
    if (typeof segment === 'number') current += `[${segment}]`;
    else current += (current ? '.' : '') + segment;
    if (i === 1 && typeof segment === 'number' && (path[0] === 'steps' || path[0] === 'services')) {
      const name = nameAt(path.slice(0, 2));
      if (name) current += ` ${JSON.stringify(name)}`;
      groups.push(current);
      current = '';
    }
  });
  if (current) groups.push(current);
  return groups.join(' > ');
}

export class Locator {
  private readonly docs: readonly Document[];
  private readonly values: readonly unknown[];
  private readonly lines: LineCounter;

  constructor(docs: readonly Document[], values: readonly unknown[], lines: LineCounter) {
    this.docs = docs;
    this.values = values;
    this.lines = lines;
  }

  locate(site: Site, subpath: YamlPath = [], options: { key?: boolean } = {}): Loc {
    const path = [...site.path, ...subpath];
    const doc = this.docs[site.doc];
    const offset = doc ? this.offsetOf(doc, path, options.key === true) : 0;
    const { line, col } = this.lines.linePos(offset);
    const value = this.values[site.doc];
    const label = doc ? documentLabel(value, site.doc) : '';
    return { line, column: col, field: fieldPath(label, path, (p) => nameAt(value, p)) };
  }

  /** Offset of the deepest existing node on `path` (of its key when asked and present). */
  private offsetOf(doc: Document, path: YamlPath, wantKey: boolean): number {
    let node: unknown = doc.contents;
    let offset = rangeStart(node) ?? rangeStart(doc) ?? 0;
    for (let i = 0; i < path.length; i++) {
      const segment = path[i];
      if (isAlias(node)) node = node.resolve(doc);
      let next: unknown;
      let keyNode: unknown;
      if (isMap(node)) {
        const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(segment));
        if (!pair) break;
        next = pair.value;
        keyNode = pair.key;
      } else if (isSeq(node) && typeof segment === 'number') {
        next = node.items[segment];
        if (next === undefined) break;
      } else {
        break;
      }
      const last = i === path.length - 1;
      if (last && wantKey && keyNode) return rangeStart(keyNode) ?? offset;
      // A key without value (`when:`) has a null scalar, or no node at all: use the key.
      offset = rangeStart(next) ?? rangeStart(keyNode) ?? offset;
      node = next;
    }
    return offset;
  }
}

function rangeStart(node: unknown): number | undefined {
  if (node && typeof node === 'object' && 'range' in node) {
    const range = (node as Node).range;
    if (Array.isArray(range) && typeof range[0] === 'number') return range[0];
  }
  return undefined;
}

function nameAt(value: unknown, path: YamlPath): string | undefined {
  let node = value;
  for (const segment of path) {
    if (Array.isArray(node) && typeof segment === 'number') node = node[segment];
    else if (isRecord(node)) node = node[String(segment)];
    else return undefined;
  }
  return isRecord(node) && typeof node.name === 'string' ? node.name : undefined;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
