export interface DagNode {
  id: string;
  label: string;
  status: string;
  dependsOn: string[];
  detail?: string;
}

/** Column of each node: one past its deepest dependency (unknown or cyclic dependencies count as none). */
export function layers(nodes: readonly DagNode[]): Map<string, number> {
  const byId = new Map(nodes.map((node) => [node.id, node]));
  const layer = new Map<string, number>();
  const visiting = new Set<string>();
  const depth = (id: string): number => {
    const known = layer.get(id);
    if (known !== undefined) return known;
    if (visiting.has(id)) return 0;
    visiting.add(id);
    const node = byId.get(id);
    const value = node ? Math.max(-1, ...node.dependsOn.filter((d) => byId.has(d)).map(depth)) + 1 : 0;
    visiting.delete(id);
    layer.set(id, value);
    return value;
  };
  for (const node of nodes) depth(node.id);
  return layer;
}
