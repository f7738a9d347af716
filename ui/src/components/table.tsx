import type { ReactNode } from 'react';

/**
 * A labelled table: one header per column, and each cell carries its
 * column's name (`data-label`), which phone layouts show beside the value.
 */
export function DataTable<T>({ label, columns, rows, rowKey, cells, cellClass = {} }: { label: string; columns: string[]; rows: readonly T[]; rowKey(row: T): string | number; cells(row: T): ReactNode[]; cellClass?: Record<string, string> }) {
  return (
    <table className="list" aria-label={label}>
      <thead>
        <tr>
          {columns.map((column) => (
            <th key={column} scope="col">
              {column}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={rowKey(row)}>
            {cells(row).map((cell, i) => (
              <td key={columns[i] ?? i} data-label={columns[i]} className={cellClass[columns[i] ?? '']}>
                {cell}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
