export interface DagNode {
  id: string;
  label: string;
  status: string;
  dependsOn: string[];
  detail?: string;
}

const width = 168;
const height = 40;
const gapX = 44;
const gapY = 14;

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

/** A DAG of steps (or stages) laid out in columns, edges drawn in SVG, nodes as buttons. */
export function Dag({ nodes, selected, onSelect, label }: { nodes: DagNode[]; selected?: string; onSelect(id: string): void; label: string }) {
  const layer = layers(nodes);
  const rows = new Map<number, number>();
  const position = new Map<string, { x: number; y: number }>();
  for (const node of nodes) {
    const column = layer.get(node.id) ?? 0;
    const row = rows.get(column) ?? 0;
    rows.set(column, row + 1);
    position.set(node.id, { x: column * (width + gapX), y: row * (height + gapY) });
  }
  const totalWidth = Math.max(0, ...[...position.values()].map((p) => p.x + width));
  const totalHeight = Math.max(0, ...[...position.values()].map((p) => p.y + height));
  return (
    <div className="dag" role="group" aria-label={label} style={{ width: totalWidth, height: totalHeight }}>
      <svg width={totalWidth} height={totalHeight} aria-hidden="true">
        {nodes.flatMap((node) =>
          node.dependsOn
            .filter((dep) => position.has(dep))
            .map((dep) => {
              const from = position.get(dep)!;
              const to = position.get(node.id)!;
              const x1 = from.x + width;
              const y1 = from.y + height / 2;
              const x2 = to.x;
              const y2 = to.y + height / 2;
              const mid = (x1 + x2) / 2;
              return <path key={`${dep}->${node.id}`} d={`M${x1},${y1} C${mid},${y1} ${mid},${y2} ${x2},${y2}`} />;
            }),
        )}
      </svg>
      {nodes.map((node) => {
        const p = position.get(node.id)!;
        return (
          <button
            key={node.id}
            type="button"
            className={`node node-${node.status}`}
            aria-pressed={selected === node.id}
            aria-label={`${node.label}: ${node.status}${node.detail ? `, ${node.detail}` : ''}`}
            title={node.detail}
            style={{ left: p.x, top: p.y, width, height }}
            onClick={() => onSelect(node.id)}
          >
            <span className={`dot dot-${node.status}`} aria-hidden="true" />
            <span className="node-label">{node.label}</span>
          </button>
        );
      })}
    </div>
  );
}
