import { appendFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Step process groups are recorded in their run folder, so that when the
 * process that ran them dies (a crash, SIGKILL, OOM) the next one can end
 * what is left. A group is only signalled if its leader is still the same
 * process (same start time), never a later process that reused the id.
 */
const FILE = 'process-groups';

export async function recordProcessGroup(runDir: string, pid: number): Promise<void> {
  await appendFile(join(runDir, FILE), `${pid} ${(await startTimeOf(pid)) ?? ''}\n`);
}

/** Kills the recorded groups whose leader still runs; returns how many were signalled. */
export async function killRecordedGroups(runDir: string): Promise<number> {
  const text = await readFile(join(runDir, FILE), 'utf8').catch(() => '');
  let killed = 0;
  for (const line of text.split('\n')) {
    const [pidText, started] = line.split(' ');
    const pid = Number(pidText);
    if (!Number.isInteger(pid) || pid <= 1 || !started) continue;
    if ((await startTimeOf(pid)) !== started) continue;
    try {
      process.kill(-pid, 'SIGKILL');
      killed++;
    } catch {
      // already gone
    }
  }
  return killed;
}

/** The process's start time in clock ticks since boot (field 22 of /proc/PID/stat), or undefined. */
async function startTimeOf(pid: number): Promise<string | undefined> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  if (!stat) return undefined;
  // The command name (field 2) may contain spaces: count fields after its closing parenthesis.
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
}
