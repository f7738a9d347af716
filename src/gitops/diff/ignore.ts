/**
 * Ignore rules in the manner of Argo CD's `ignoreDifferences`: objects
 * chosen by group/kind (`*` for any) and optionally name/namespace; paths
 * as JSON pointers (RFC 6901) or a jq subset — `.a.b`, `."a.b"`,
 * `["a"]`, `[0]`, `[]`, and `| select(.field == "value")` (or `!=`).
 */
import { ConfigError } from '../../core/index.ts';
import type { KubeObject } from '../../artifacts/index.ts';
import { groupOf } from '../render/index.ts';

export interface IgnoreRule {
  group: string;
  kind: string;
  name?: string;
  namespace?: string;
  jsonPointers?: string[];
  jqPathExpressions?: string[];
}

type Step = { key: string } | { index: number } | { each: true } | { select: Step[]; equals: boolean; value: unknown };

export function ruleMatches(rule: IgnoreRule, object: KubeObject): boolean {
  return (
    (rule.group === '*' || rule.group === groupOf(object.apiVersion)) &&
    (rule.kind === '*' || rule.kind === object.kind) &&
    (rule.name === undefined || rule.name === object.metadata.name) &&
    (rule.namespace === undefined || rule.namespace === object.metadata.namespace)
  );
}

/** Compiled paths of a rule, each a list of steps; a malformed path is a `ConfigError` naming it. */
export function rulePaths(rule: IgnoreRule): Step[][] {
  return [...(rule.jsonPointers ?? []).map(parsePointer), ...(rule.jqPathExpressions ?? []).map(parseJq)];
}

/** Deletes every location `steps` reach in `root` (mutates). */
export function removePath(root: unknown, steps: readonly Step[]): void {
  const last = steps[steps.length - 1];
  if (last === undefined) return;
  // `…[] | select(…)` at the end removes the chosen items from their array.
  const walk = 'select' in last && steps.length >= 2 && 'each' in (steps[steps.length - 2] ?? {}) ? steps.slice(0, -2) : steps.slice(0, -1);
  let parents: unknown[] = [root];
  for (const step of walk) parents = parents.flatMap((node) => advance(node, step));
  for (const parent of parents) {
    if ('key' in last && isMap(parent)) delete parent[last.key];
    else if ('index' in last && Array.isArray(parent) && last.index < parent.length) parent.splice(last.index, 1);
    else if ('each' in last && Array.isArray(parent)) parent.length = 0;
    else if ('select' in last && Array.isArray(parent)) {
      for (let i = parent.length - 1; i >= 0; i--) if (selects(parent[i], last)) parent.splice(i, 1);
    }
  }
}

const isMap = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The nodes a step leads to from `node`; `select` keeps the array (its items are filtered at the end or by `each`). */
function advance(node: unknown, step: Step): unknown[] {
  if ('key' in step) return isMap(node) && node[step.key] !== undefined ? [node[step.key]] : [];
  if ('index' in step) return Array.isArray(node) && step.index < node.length ? [node[step.index]] : [];
  if ('each' in step) return Array.isArray(node) ? node : [];
  return Array.isArray(node) ? node.filter((item) => selects(item, step)) : selects(node, step) ? [node] : [];
}

function selects(item: unknown, step: Extract<Step, { select: Step[] }>): boolean {
  let nodes: unknown[] = [item];
  for (const s of step.select) nodes = nodes.flatMap((n) => advance(n, s));
  const equal = nodes.some((n) => JSON.stringify(n) === JSON.stringify(step.value));
  return step.equals ? equal : !equal;
}

function parsePointer(pointer: string): Step[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new ConfigError(`ignore rule: JSON pointer "${pointer}" must start with "/"`, { pointer });
  return pointer
    .slice(1)
    .split('/')
    .map((raw) => raw.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((token) => (/^(0|[1-9]\d*)$/.test(token) ? { index: Number(token) } : { key: token }));
}

/**
 * jq paths as they appear in Argo CD's docs. Inside `[n]` a number indexes an
 * array; the pipe form is `<path> | select(<path> ==|!= <json literal>)`.
 */
function parseJq(expression: string): Step[] {
  const fail = (why: string): never => {
    throw new ConfigError(`ignore rule: jq path "${expression}": ${why} (supported: .a.b, ."a.b", ["a"], [0], [], | select(.f == "v"))`, { expression });
  };
  const steps: Step[] = [];
  for (const part of expression.split('|').map((p) => p.trim())) {
    const select = /^select\((.+?)\s*(==|!=)\s*(.+)\)$/.exec(part);
    if (select) {
      let value: unknown;
      try {
        value = JSON.parse(select[3] ?? '');
      } catch {
        fail(`select value ${select[3] ?? ''} is not a JSON literal`);
      }
      steps.push({ select: parseSimple(select[1] ?? '', fail), equals: select[2] === '==', value });
    } else {
      steps.push(...parseSimple(part, fail));
    }
  }
  return steps;
}

function parseSimple(path: string, fail: (why: string) => never): Step[] {
  const token = /\.([A-Za-z_][\w-]*)|\."((?:[^"\\]|\\.)*)"|\["((?:[^"\\]|\\.)*)"\]|\[(\d+)\]|\[\]|\.(?=\[|$)/y;
  const steps: Step[] = [];
  let at = 0;
  if (!path.startsWith('.')) fail('a path starts with "."');
  while (at < path.length) {
    token.lastIndex = at;
    const m = token.exec(path);
    if (!m) fail(`unexpected "${path.slice(at)}"`);
    const match = m as RegExpExecArray;
    if (match[1] !== undefined) steps.push({ key: match[1] });
    else if (match[2] !== undefined) steps.push({ key: JSON.parse(`"${match[2]}"`) as string });
    else if (match[3] !== undefined) steps.push({ key: JSON.parse(`"${match[3]}"`) as string });
    else if (match[4] !== undefined) steps.push({ index: Number(match[4]) });
    else if (match[0] === '[]') steps.push({ each: true });
    at = token.lastIndex;
  }
  return steps;
}
