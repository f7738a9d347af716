import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Variable naming the file a push's ref updates are appended to. */
export const PUSH_LOG_VARIABLE = 'TRUNKLINE_PUSH_LOG';

/**
 * The hooks every built-in repository runs (through `core.hooksPath`, so
 * no repository carries its own copy): `post-receive` appends the push's
 * `<old> <new> <ref>` lines, exactly as git reports them, to the file the
 * serving request named. The request turns them into events after git
 * has finished.
 */
export async function installHooks(dir: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  const hook = join(dir, 'post-receive');
  await writeFile(hook, `#!/bin/sh\n[ -n "$${PUSH_LOG_VARIABLE}" ] && cat >> "$${PUSH_LOG_VARIABLE}"\nexit 0\n`);
  await chmod(hook, 0o755);
  return dir;
}
