/** Dependency graphs of pipelines and of steps: cycle detection and a stable topological order. */

/** A cycle as `[a, b, a]`, or undefined. Unknown dependencies are ignored (reported elsewhere). */
export function findCycle(nodes: readonly string[], deps: (node: string) => readonly string[]): string[] | undefined {
  const known = new Set(nodes);
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string): string[] | undefined => {
    const s = state.get(node);
    if (s === 'done') return undefined;
    if (s === 'visiting') return [...stack.slice(stack.indexOf(node)), node];
    state.set(node, 'visiting');
    stack.push(node);
    for (const dep of deps(node)) {
      if (!known.has(dep)) continue;
      const cycle = visit(dep);
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(node, 'done');
    return undefined;
  };
  for (const node of nodes) {
    const cycle = visit(node);
    if (cycle) return cycle;
  }
  return undefined;
}

/**
 * Every node after its dependencies, otherwise in the given order (Kahn's
 * algorithm picking the earliest ready node). Nodes on a cycle come last,
 * in the given order, so the result always holds every node.
 */
export function topologicalOrder(nodes: readonly string[], deps: (node: string) => readonly string[]): string[] {
  const known = new Set(nodes);
  const done = new Set<string>();
  const order: string[] = [];
  let progressed = true;
  while (order.length < nodes.length && progressed) {
    progressed = false;
    for (const node of nodes) {
      if (done.has(node)) continue;
      if (deps(node).every((d) => !known.has(d) || done.has(d))) {
        done.add(node);
        order.push(node);
        progressed = true;
        break;
      }
    }
  }
  for (const node of nodes) if (!done.has(node)) order.push(node);
  return order;
}
