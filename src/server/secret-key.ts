import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';

/**
 * The key secrets are encrypted with: `TRUNKLINE_SECRET_KEY` when set,
 * otherwise a random key kept in `file` (mode 0600), created on first start.
 */
export async function loadSecretKey(configured: string | undefined, file: string): Promise<string> {
  if (configured) return configured;
  const stored = await readFile(file, 'utf8').then(
    (text) => text.trim(),
    () => undefined,
  );
  if (stored) return stored;
  const key = randomBytes(32).toString('base64');
  await writeFile(file, `${key}\n`, { mode: 0o600, flag: 'wx' });
  return key;
}
