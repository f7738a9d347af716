import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Clock } from '../../core/index.ts';
import type { SecretCipher } from '../secret-cipher.ts';
import { migrate, migrations, SqlStore } from '../sql/index.ts';
import type { Store } from '../types.ts';
import { SqliteDatabase } from './database.ts';
import { ProcessLocks } from './locks.ts';
import { ProcessSignals } from './signals.ts';

export interface SqliteStoreOptions {
  /** File of the database (created with its folder if missing), or `':memory:'`. */
  path: string;
  /** How long a write waits for another process's lock (default 5000 ms). */
  busyTimeoutMs?: number;
}

const MEMORY = ':memory:';

/**
 * Opens a SQLite store: WAL journal (readers never block the writer, and
 * several processes may share the file), `synchronous=NORMAL` (a committed
 * transaction survives a process crash; only an OS crash may lose the last
 * ones), foreign keys on, and the schema migrated to the newest version.
 */
export async function openSqliteStore(options: SqliteStoreOptions, clock: Clock, cipher: SecretCipher): Promise<Store> {
  if (options.path !== MEMORY && !options.path.startsWith('file:')) {
    mkdirSync(dirname(options.path), { recursive: true });
  }
  const db = new SqliteDatabase(options.path, options.busyTimeoutMs ?? 5000);
  try {
    await db.exec('PRAGMA journal_mode = WAL');
    await db.exec('PRAGMA synchronous = NORMAL');
    await db.exec('PRAGMA foreign_keys = ON');
    await migrate(db, migrations, clock.now());
  } catch (error) {
    await db.close();
    throw error;
  }
  return new SqlStore(db, clock, cipher, { locks: new ProcessLocks(), signals: new ProcessSignals() });
}
