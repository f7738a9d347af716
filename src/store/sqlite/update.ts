import type { SQLInputValue } from 'node:sqlite';
import { ConflictError, NotFoundError } from '../../core/index.ts';
import type { Database } from './database.ts';

/**
 * Writes the given columns of one row, optionally only while its status is
 * one of `ifStatus`. Column names come from code, never from input.
 */
export function updateRow(
  db: Database,
  table: string,
  id: string,
  columns: Record<string, SQLInputValue>,
  ifStatus?: readonly string[],
): void {
  const names = Object.keys(columns);
  const sets = names.map((name) => `${name} = ?`).join(', ');
  const values = names.map((name) => columns[name] ?? null);
  const guard = ifStatus ? ` AND status IN (${ifStatus.map(() => '?').join(', ') || 'NULL'})` : '';
  const changed = db.run(`UPDATE ${table} SET ${sets} WHERE id = ?${guard}`, [...values, id, ...(ifStatus ?? [])]);
  if (changed > 0) return;
  const current = db.get(`SELECT * FROM ${table} WHERE id = ?`, [id]);
  if (!current) throw new NotFoundError(`${singular(table)} ${id} not found`);
  if (!ifStatus) return;
  throw new ConflictError(
    `${singular(table)} ${id} is ${String(current['status'])}, expected one of: ${ifStatus.join(', ')}`,
    { status: current['status'], expected: ifStatus },
  );
}

function singular(table: string): string {
  return table.endsWith('s') ? table.slice(0, -1) : table;
}
