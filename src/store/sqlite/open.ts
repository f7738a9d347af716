import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { systemClock } from '../../core/index.ts';
import type { Clock } from '../../core/index.ts';
import { SecretCipher } from '../secret-cipher.ts';
import { parseSecretKey } from '../secret-key.ts';
import type { Store } from '../types.ts';
import { Database } from './database.ts';
import { migrate } from './migrate.ts';
import { migrations } from './migrations.ts';
import { SqliteStore } from './store.ts';

export interface OpenStoreOptions {
  /** File of the database (created with its folder if missing), or `':memory:'`. */
  path: string;
  /** AES-256 key for secrets at rest: 32 bytes, or their hex or base64. */
  secretKey: Buffer | string;
  clock?: Clock;
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
export async function openStore(options: OpenStoreOptions): Promise<Store> {
  const cipher = new SecretCipher(parseSecretKey(options.secretKey));
  const clock = options.clock ?? systemClock;
  if (options.path !== MEMORY && !options.path.startsWith('file:')) {
    mkdirSync(dirname(options.path), { recursive: true });
  }
  const db = new Database(options.path, options.busyTimeoutMs ?? 5000);
  try {
    db.exec('PRAGMA journal_mode = WAL');
    db.exec('PRAGMA synchronous = NORMAL');
    db.exec('PRAGMA foreign_keys = ON');
    migrate(db, migrations, clock.now());
  } catch (error) {
    db.close();
    throw error;
  }
  return new SqliteStore(db, clock, cipher);
}
