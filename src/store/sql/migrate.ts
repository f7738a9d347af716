import { ConfigError } from '../../core/index.ts';
import type { Database } from './database.ts';
import type { Migration } from './migrations.ts';

/**
 * Brings the schema to the newest known version. Each migration runs in its
 * own write transaction and re-checks the version inside it, so processes
 * opening the same database at once apply each migration exactly once.
 * Migrations are written in SQLite's dialect; `ddl` maps them to the engine's.
 */
export async function migrate(
  db: Database,
  list: readonly Migration[],
  now: number,
  ddl: (sql: string) => string = (sql) => sql,
): Promise<void> {
  await db.exec(ddl(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at INTEGER NOT NULL
  )`));
  const latest = list.reduce((max, m) => Math.max(max, m.version), 0);
  const found = await currentVersion(db);
  if (found > latest) {
    throw new ConfigError(
      `database schema version ${found} is newer than this Trunkline knows (${latest}): upgrade Trunkline or use another database`,
      { found, latest },
    );
  }
  const applied = new Set((await db.all('SELECT version FROM schema_migrations')).map((row) => Number(row['version'])));
  const pending = list.filter((m) => !applied.has(m.version)).sort((a, b) => a.version - b.version);
  for (const migration of pending) {
    await db.transaction(async () => {
      if (await db.get('SELECT 1 AS applied FROM schema_migrations WHERE version = ?', [migration.version])) return;
      await db.exec(ddl(migration.up));
      await db.run('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)', [
        migration.version,
        migration.name,
        now,
      ]);
    });
  }
}

export async function currentVersion(db: Database): Promise<number> {
  const row = await db.get('SELECT MAX(version) AS version FROM schema_migrations');
  return Number(row?.['version'] ?? 0);
}
