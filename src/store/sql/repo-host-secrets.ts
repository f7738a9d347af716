import { ConfigError } from '../../core/index.ts';
import type { SecretCipher } from '../secret-cipher.ts';
import type { RepoCredentials, RepoHostSecrets } from '../types.ts';
import { blob, text } from './columns.ts';
import type { Database } from './database.ts';

/** The encrypted host settings of a repository, one row per field in `repo_host_secrets`. */
export type HostSecretField = 'webhook_secret' | 'credentials';

export interface HostSecretChanges {
  webhookSecret?: string | null;
  credentials?: RepoCredentials | null;
}

/** Columns that tell whether each field is set, for `SELECT repos.*, ${HAS_HOST_SECRETS} FROM repos`. */
export const HAS_HOST_SECRETS = `
  EXISTS (SELECT 1 FROM repo_host_secrets h WHERE h.repo_id = repos.id AND h.field = 'webhook_secret') AS has_webhook_secret,
  EXISTS (SELECT 1 FROM repo_host_secrets h WHERE h.repo_id = repos.id AND h.field = 'credentials') AS has_credentials`;

/**
 * Applies the given changes (`undefined` leaves a field, `null` clears it).
 * Call inside the transaction that writes the repository row.
 */
export async function writeHostSecrets(db: Database, cipher: SecretCipher, repoId: string, changes: HostSecretChanges, now: number): Promise<void> {
  if (changes.webhookSecret !== undefined) {
    await writeField(db, cipher, repoId, 'webhook_secret', changes.webhookSecret, now);
  }
  if (changes.credentials !== undefined) {
    const value = changes.credentials && JSON.stringify({ username: changes.credentials.username, password: changes.credentials.password });
    await writeField(db, cipher, repoId, 'credentials', value, now);
  }
}

export async function readHostSecrets(db: Database, cipher: SecretCipher, repoId: string): Promise<RepoHostSecrets> {
  const secrets: RepoHostSecrets = {};
  const webhookSecret = await readField(db, cipher, repoId, 'webhook_secret');
  if (webhookSecret !== undefined) secrets.webhookSecret = webhookSecret;
  const credentials = await readField(db, cipher, repoId, 'credentials');
  if (credentials !== undefined) secrets.credentials = parseCredentials(repoId, credentials);
  return secrets;
}

async function writeField(db: Database, cipher: SecretCipher, repoId: string, field: HostSecretField, value: string | null, now: number): Promise<void> {
  if (value === null) {
    await db.run('DELETE FROM repo_host_secrets WHERE repo_id = ? AND field = ?', [repoId, field]);
    return;
  }
  const sealed = cipher.seal(repoId, field, value, 'repo-host');
  await db.run(
    `INSERT INTO repo_host_secrets (repo_id, field, key_id, nonce, ciphertext, auth_tag, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (repo_id, field) DO UPDATE SET
       key_id = excluded.key_id, nonce = excluded.nonce, ciphertext = excluded.ciphertext,
       auth_tag = excluded.auth_tag, updated_at = excluded.updated_at`,
    [repoId, field, sealed.keyId, sealed.nonce, sealed.ciphertext, sealed.tag, now],
  );
}

async function readField(db: Database, cipher: SecretCipher, repoId: string, field: HostSecretField): Promise<string | undefined> {
  const row = await db.get('SELECT key_id, nonce, ciphertext, auth_tag FROM repo_host_secrets WHERE repo_id = ? AND field = ?', [repoId, field]);
  if (!row) return undefined;
  const sealed = { keyId: text(row, 'key_id'), nonce: blob(row, 'nonce'), ciphertext: blob(row, 'ciphertext'), tag: blob(row, 'auth_tag') };
  return cipher.open(repoId, field, sealed, 'repo-host');
}

function parseCredentials(repoId: string, value: string): RepoCredentials {
  const parsed = JSON.parse(value) as Partial<RepoCredentials> | null;
  if (typeof parsed?.username !== 'string' || typeof parsed.password !== 'string') {
    throw new ConfigError(`stored credentials of repository ${repoId} are not a username and password`, { repoId });
  }
  return { username: parsed.username, password: parsed.password };
}
