import { chmod, readFile, writeFile } from 'node:fs/promises';
import { ConflictError } from '../core/index.ts';
import type { Store } from '../store/index.ts';

/**
 * First start: creates the `admin` user and writes one of its tokens to
 * `tokenFile` (mode 0600) so the local CLI and the first browser sign-in
 * work with no setup. Later starts keep both as they are.
 */
export async function ensureAdmin(store: Store, tokenFile: string): Promise<{ token: string; created: boolean }> {
  const existing = await readFile(tokenFile, 'utf8').then(
    (text) => text.trim(),
    () => undefined,
  );
  if (existing && (await store.tokens.authenticate(existing))) return { token: existing, created: false };

  // Replicas starting together may both create it: the one that loses uses the winner's.
  const admin =
    (await store.users.findByLogin('admin')) ??
    (await store.users.create({ login: 'admin', name: 'Administrator', role: 'admin' }).catch(async (error: unknown) => {
      const created = error instanceof ConflictError ? await store.users.findByLogin('admin') : undefined;
      if (!created) throw error;
      return created;
    }));
  const { token } = await store.tokens.create(admin.id, 'bootstrap');
  await writeFile(tokenFile, `${token}\n`, { mode: 0o600 });
  await chmod(tokenFile, 0o600);
  return { token, created: true };
}
