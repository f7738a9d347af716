import { createHash, randomUUID } from 'node:crypto';
import { openStore } from './open.ts';
import type { OpenStoreOptions } from './open.ts';
import type { Store } from './types.ts';

/**
 * Opens a store for a test on the engine under test: SQLite, or Postgres when
 * `TRUNKLINE_TEST_STORE=postgres` (the database `TRUNKLINE_TEST_DATABASE_URL`).
 * On Postgres every SQLite path maps to a schema of its own for this run, so
 * opening the same path twice shares data exactly as two connections to one
 * file do, and `:memory:` is always a fresh schema.
 */
export function openTestStore(options: OpenStoreOptions): Promise<Store> {
  if (!testingPostgres() || !('path' in options)) return openStore(options);
  const { path, busyTimeoutMs: _unused, ...common } = options;
  const schema = path === ':memory:' ? `t_${randomUUID().replaceAll('-', '').slice(0, 20)}` : schemaFor(path);
  return openStore({ ...common, url: testDatabaseUrl(), schema });
}

export function testingPostgres(): boolean {
  return process.env['TRUNKLINE_TEST_STORE'] === 'postgres';
}

/** The Postgres database tests may use, or `undefined` when none is configured. */
export function testDatabaseUrlIfAny(): string | undefined {
  return process.env['TRUNKLINE_TEST_DATABASE_URL'] || undefined;
}

function testDatabaseUrl(): string {
  const url = testDatabaseUrlIfAny();
  if (!url) throw new Error('TRUNKLINE_TEST_STORE=postgres needs TRUNKLINE_TEST_DATABASE_URL (postgres://user:password@host/database)');
  return url;
}

// Shared with child processes a test starts, so they find the same schemas.
const run = (process.env['TRUNKLINE_TEST_RUN'] ??= randomUUID());

function schemaFor(path: string): string {
  return `t_${createHash('sha256').update(`${run}:${path}`).digest('hex').slice(0, 20)}`;
}

/** Options for a test that reads or edits the SQLite file itself. */
export const sqliteOnly = { skip: testingPostgres() ? 'reads or edits the SQLite file itself' : false };
