
import { ConflictError, NotFoundError } from '../../core/index.ts';
import type { Database, SqlValue } from './database.ts';

/**
 * Writes the given columns of one row, optionally only while its status is
 * one of `ifStatus`. Column names come from code, never from input.
 */
export async function updateRow(
  db: Database,
  table: string,
  id: string,
  columns: Record<string, SqlValue>,
  ifStatus?: readonly string[],
): Promise<void> {
  const names = Object.keys(columns);
  const sets = names.map((name) => `${name} = ?`).join(', ');
  const values = names.map((name) => columns[name] ?? null);
  const guard = ifStatus ? ` AND status IN (${ifStatus.map(() => '?').join(', ') || 'NULL'})` : '';
  const changed = await db.run(`UPDATE ${table} SET ${sets} WHERE id = ?${guard}`, [...values, id, ...(ifStatus ?? [])]);
  if (changed > 0) return;
  const current = await db.get(`SELECT * FROM ${table} WHERE id = ?`, [id]);
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
