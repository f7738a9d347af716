import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { basename, isAbsolute, join } from 'node:path';
import { ConfigError } from '../../core/index.ts';
import type { PreviewDeps } from './deps.ts';

/** The command to run: an absolute path as is, a relative one read from the config repository's tip into an executable file. */
export async function provisionerCommand(deps: PreviewDeps, path: string): Promise<string> {
  if (isAbsolute(path)) return path;
  const repo = deps.configRepo;
  const text = await repo.read(async (tip) => (tip ? repo.readFile(tip, path) : undefined));
  if (text === undefined) throw new ConfigError(`provisioner "${path}" does not exist in the config repository`, { provisioner: path });
  const dir = join(deps.workDir, 'provisioners');
  await mkdir(dir, { recursive: true });
  const file = join(dir, `${createHash('sha256').update(text).digest('hex').slice(0, 16)}-${basename(path)}`);
  await writeFile(file, text, { mode: 0o755 });
  return file;
}
