export interface Point {
  label: string;
  value: number | null;
}

/** A small bar chart in plain SVG, with the values in a visually hidden table for screen readers. */
export function BarChart({ title, points, unit = '', format = (v: number) => String(Math.round(v * 100) / 100) }: { title: string; points: Point[]; unit?: string; format?: (value: number) => string }) {
  const values = points.map((p) => p.value ?? 0);
  const max = Math.max(1e-9, ...values);
  const width = 600;
  const height = 160;
  const barWidth = points.length ? width / points.length : width;
  return (
    <figure className="chart">
      <figcaption>{title}</figcaption>
      <svg viewBox={`0 0 ${width} ${height + 18}`} role="img" aria-label={title} preserveAspectRatio="none">
        <line x1="0" y1={height} x2={width} y2={height} className="axis" />
        {points.map((p, i) => {
          const h = p.value === null ? 0 : (p.value / max) * (height - 4);
          return (
            <rect key={p.label} x={i * barWidth + barWidth * 0.15} y={height - h} width={barWidth * 0.7} height={h} className={p.value === null ? 'none' : 'bar'}>
              <title>
                {p.label}: {p.value === null ? 'no data' : `${format(p.value)}${unit}`}
              </title>
            </rect>
          );
        })}
        {points.length > 0 && (
          <>
            <text x="0" y={height + 14} className="tick">
              {points[0]!.label}
            </text>
            <text x={width} y={height + 14} className="tick" textAnchor="end">
              {points.at(-1)!.label}
            </text>
          </>
        )}
      </svg>
      <table className="visually-hidden">
        <caption>{title}</caption>
        <tbody>
          {points.map((p) => (
            <tr key={p.label}>
              <th scope="row">{p.label}</th>
              <td>{p.value === null ? 'no data' : `${format(p.value)}${unit}`}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
