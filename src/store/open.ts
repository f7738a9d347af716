import { systemClock } from '../core/index.ts';
import type { Clock } from '../core/index.ts';
import { openPostgresStore } from './postgres/open.ts';
import type { PostgresStoreOptions } from './postgres/open.ts';
import { SecretCipher } from './secret-cipher.ts';
import { parseSecretKey } from './secret-key.ts';
import { openSqliteStore } from './sqlite/open.ts';
import type { SqliteStoreOptions } from './sqlite/open.ts';
import type { Store } from './types.ts';

interface CommonOptions {
  /** AES-256 key for secrets at rest: 32 bytes, or their hex or base64. */
  secretKey: Buffer | string;
  clock?: Clock;
}

/** SQLite by `path` (the embedded default) or Postgres by `url`. */
export type OpenStoreOptions = CommonOptions & (SqliteStoreOptions | PostgresStoreOptions);

/** Opens the store on the engine the options name, with its schema migrated to the newest version. */
export async function openStore(options: OpenStoreOptions): Promise<Store> {
  const cipher = new SecretCipher(parseSecretKey(options.secretKey));
  const clock = options.clock ?? systemClock;
  return 'url' in options ? openPostgresStore(options, clock, cipher) : openSqliteStore(options, clock, cipher);
}
