import { layers, type DagNode } from './dag-layout.ts';

export type { DagNode };

const width = 168;
const height = 40;
const gapX = 44;
const gapY = 14;

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
