import { ConfigError, InternalError } from '../../core/index.ts';
import type { Row } from './database.ts';

/**
 * Typed readers for row columns and writers for optional values, so that
 * records never carry `null` and a schema drift fails loudly.
 */

export function text(row: Row, column: string): string {
  const value = row[column];
  if (typeof value === 'string') return value;
  throw drift(column, 'text', value);
}

export function int(row: Row, column: string): number {
  const value = row[column];
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  throw drift(column, 'integer', value);
}

/** Stored as 0/1; computed ones (`EXISTS …`) are booleans on Postgres. */
export function bool(row: Row, column: string): boolean {
  const value = row[column];
  return typeof value === 'boolean' ? value : int(row, column) !== 0;
}

export function optText(row: Row, column: string): string | undefined {
  return row[column] == null ? undefined : text(row, column);
}

export function optInt(row: Row, column: string): number | undefined {
  return row[column] == null ? undefined : int(row, column);
}

export function blob(row: Row, column: string): Buffer {
  const value = row[column];
  if (value instanceof Uint8Array) return Buffer.from(value);
  throw drift(column, 'blob', value);
}

export function json<T>(row: Row, column: string): T {
  return JSON.parse(text(row, column)) as T;
}

/** `undefined` and `null` are both stored as NULL. */
export function nullable<T extends string | number>(value: T | null | undefined): T | null {
  return value ?? null;
}

export function flag(value: boolean | undefined): number {
  return value ? 1 : 0;
}

/** `value` as JSON text; `ConfigError` for what JSON cannot hold (functions, bigints, cycles). */
export function jsonText(value: unknown, field: string): string {
  let encoded: string | undefined;
  try {
    encoded = JSON.stringify(value);
  } catch (cause) {
    throw new ConfigError(`${field}: expected JSON data: ${(cause as Error).message}`, undefined, { cause });
  }
  if (encoded === undefined) throw new ConfigError(`${field}: expected JSON data, found ${typeof value}`);
  return encoded;
}

function drift(column: string, expected: string, value: unknown): InternalError {
  return new InternalError(`column ${column}: expected ${expected}, found ${typeof value}`);
}
