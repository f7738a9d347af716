import { ConfigError } from '../core/index.ts';

export interface DagNode {
  name: string;
  dependsOn: readonly string[];
}

/**
 * Checks that names are unique, every dependency exists and there is no
 * cycle; throws a `ConfigError` naming the problem otherwise.
 */
export function validateDag(nodes: readonly DagNode[], what: string): void {
  const names = new Set<string>();
  for (const node of nodes) {
    if (names.has(node.name)) throw new ConfigError(`duplicate ${what} name "${node.name}"`);
    names.add(node.name);
  }
  for (const node of nodes) {
    for (const dep of node.dependsOn) {
      if (!names.has(dep)) throw new ConfigError(`${what} "${node.name}" depends on unknown ${what} "${dep}"`);
    }
  }
  const state = new Map<string, 'visiting' | 'done'>();
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const visit = (node: DagNode, path: string[]): void => {
    const seen = state.get(node.name);
    if (seen === 'done') return;
    if (seen === 'visiting') {
      const cycle = [...path.slice(path.indexOf(node.name)), node.name];
      throw new ConfigError(`dependency cycle between ${what}s: ${cycle.join(' → ')}`);
    }
    state.set(node.name, 'visiting');
    for (const dep of node.dependsOn) visit(byName.get(dep) as DagNode, [...path, node.name]);
    state.set(node.name, 'done');
  };
  for (const node of nodes) visit(node, []);
}

/**
 * Runs `visit` for every node as soon as all its dependencies have been
 * visited, so independent branches run concurrently. `visit` should not
 * throw (record failures instead); if it does, the walk still visits the
 * remaining nodes and then rethrows the first error. Assumes a valid DAG.
 */
export async function walkDag<T extends DagNode>(nodes: readonly T[], visit: (node: T) => Promise<void>): Promise<void> {
  const remaining = new Map(nodes.map((n) => [n.name, new Set(n.dependsOn)]));
  const dependents = new Map<string, T[]>();
  for (const node of nodes) {
    for (const dep of node.dependsOn) dependents.set(dep, [...(dependents.get(dep) ?? []), node]);
  }
  const errors: unknown[] = [];
  const start = (node: T): Promise<void> =>
    visit(node)
      .catch((error: unknown) => {
        errors.push(error);
      })
      .then(() =>
        Promise.all(
          (dependents.get(node.name) ?? []).map((next) => {
            const waiting = remaining.get(next.name);
            waiting?.delete(node.name);
            return waiting?.size === 0 ? start(next) : undefined;
          }),
        ).then(() => undefined),
      );
  await Promise.all(nodes.filter((n) => n.dependsOn.length === 0).map(start));
  if (errors.length > 0) throw errors[0];
}
