import type { Clock } from '../../core/index.ts';
import type { SecretCipher } from '../secret-cipher.ts';
import { migrate, migrations, SqlStore } from '../sql/index.ts';
import type { Store } from '../types.ts';
import { PostgresDatabase } from './database.ts';
import { postgresDdl } from './ddl.ts';
import { AdvisoryLocks } from './locks.ts';
import { PostgresSignals } from './signals.ts';

export interface PostgresStoreOptions {
  /** `postgres://user:password@host:port/database` (libpq connection URI; `?sslmode=` etc. honoured). */
  url: string;
  /** Schema to keep the tables in (created if missing); default the connection's search path (`public`). */
  schema?: string;
  /** Pool size (default 10). */
  maxConnections?: number;
}

/**
 * Opens a Postgres store and migrates its schema. Several servers may open
 * the same database at once: migrations run under an advisory lock, so
 * exactly one applies each.
 */
export async function openPostgresStore(options: PostgresStoreOptions, clock: Clock, cipher: SecretCipher): Promise<Store> {
  const db = new PostgresDatabase(options.url, options);
  try {
    const client = await db.connect();
    try {
      await client.query("SELECT pg_advisory_lock(hashtextextended('trunkline:migrations', 0))");
      if (options.schema) await client.query(`CREATE SCHEMA IF NOT EXISTS "${options.schema.replaceAll('"', '""')}"`);
      await migrate(db, migrations, clock.now(), postgresDdl);
    } finally {
      await client.query('SELECT pg_advisory_unlock_all()').catch(() => undefined);
      client.release();
    }
  } catch (error) {
    await db.close();
    throw error;
  }
  const connect = () => db.connect();
  const notify = async (channel: string, payload: string) => {
    await db.get('SELECT pg_notify(?, ?) AS sent', [channel, payload]);
  };
  return new SqlStore(db, clock, cipher, { locks: new AdvisoryLocks(connect), signals: new PostgresSignals(connect, notify) });
}
