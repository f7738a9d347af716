import { readFile } from 'node:fs/promises';
import type { Logger } from '../../core/index.ts';
import { shellQuote } from '../exec/script.ts';
import type { ContainerCli } from './cli.ts';

/**
 * Host quirks of rootful podman, found once per backend and worked around
 * only where they are found (findings on the Debian 12 VMs these tests run
 * on, podman 4.3.1 with crun 1.8.1, cgroupfs on cgroup v1):
 *
 * 1. Rootful podman gives every container `nofile` and `nproc` limits of
 *    1048576 unless told otherwise, and crun's `setrlimit` then fails
 *    ("setrlimit `RLIMIT_NOFILE`: Operation not permitted") when the hard
 *    limits of the process starting it are lower and it may not raise them.
 *    The podman process itself lowered its `nproc` to 32768 — the kernel's
 *    `pid_max` — although the calling shell's hard limit was 96365, so a
 *    higher value failed too. Fix: `--ulimit nofile=H:H --ulimit nproc=N:N`
 *    with H the hard `nofile` limit and N the hard `nproc` limit capped at
 *    `pid_max` (more processes than pids cannot exist anyway).
 * 2. On a "hybrid" cgroup layout (cgroup v1 controllers plus a cgroup2
 *    mount at /sys/fs/cgroup/unified) crun refuses to start containers
 *    ("cgroups in hybrid mode not supported, drop all controllers from
 *    cgroupv2"). Fix: start containers in a private mount namespace without
 *    that mount: `unshare -m --propagation unchanged sh -c 'umount
 *    /sys/fs/cgroup/unified; exec "$@"' sh podman start …`. Only `start`
 *    needs it; create, logs, wait, stop and rm work as they are.
 *
 * Docker needs neither: its daemon, not the CLI, starts containers.
 */
export interface HostWorkarounds {
  /** Command prefix for `start`. */
  wrapper: string[];
  ulimits: string[];
}

/** What podman sets when not told (define.RLimitDefaultValue). */
const PODMAN_DEFAULT_RLIMIT = 1_048_576;

export async function probeHost(cli: ContainerCli, logger: Logger): Promise<HostWorkarounds> {
  const rootful = process.getuid?.() === 0;
  if (!rootful) return { wrapper: [], ulimits: [] };
  const [mountinfo, limits, pidMax, runtime] = await Promise.all([
    readFile('/proc/self/mountinfo', 'utf8').catch(() => ''),
    readFile('/proc/self/limits', 'utf8').catch(() => ''),
    readFile('/proc/sys/kernel/pid_max', 'utf8').then(Number, () => Number.POSITIVE_INFINITY),
    cli.run(['info', '--format', '{{.Host.OCIRuntime.Name}} {{.Host.CgroupsVersion}}']).catch(() => ''),
  ]);
  const [runtimeName, cgroups] = runtime.trim().split(' ');
  const hybrid = runtimeName === 'crun' && cgroups === 'v1' ? hybridCgroup2Mount(mountinfo) : undefined;
  const found: HostWorkarounds = { wrapper: hybrid ? unmountWrapper(hybrid) : [], ulimits: ulimitsWithin(limits, pidMax) };
  if (found.wrapper.length > 0 || found.ulimits.length > 0) logger.info(found, 'container backend: host workarounds applied');
  return found;
}

/** The mount point of a cgroup2 file system beside cgroup v1 controllers (hybrid layout), if any. */
export function hybridCgroup2Mount(mountinfo: string): string | undefined {
  let v1 = false;
  let v2: string | undefined;
  for (const line of mountinfo.split('\n')) {
    const [left, right] = line.split(' - ');
    const mountPoint = left?.split(' ')[4];
    const fsType = right?.split(' ')[0];
    if (fsType === 'cgroup') v1 = true;
    if (fsType === 'cgroup2' && mountPoint) v2 = mountPoint;
  }
  return v1 && v2 !== undefined && v2 !== '/sys/fs/cgroup' ? v2 : undefined;
}

/** Runs the wrapped command in a private mount namespace without `mountPoint`. */
export function unmountWrapper(mountPoint: string): string[] {
  return ['unshare', '-m', '--propagation', 'unchanged', 'sh', '-c', `umount ${shellQuote(mountPoint)} && exec "$@"`, 'sh'];
}

/** `--ulimit` values within this process's hard limits, for the limits podman's default exceeds. */
export function ulimitsWithin(limits: string, pidMax: number): string[] {
  const hard = (label: string): number => {
    const line = limits.split('\n').find((l) => l.startsWith(label));
    const value = line?.slice(label.length).trim().split(/\s+/)[1];
    return value === undefined || value === 'unlimited' ? Number.POSITIVE_INFINITY : Number(value);
  };
  const result: string[] = [];
  const nofile = hard('Max open files');
  if (nofile < PODMAN_DEFAULT_RLIMIT) result.push(`nofile=${nofile}:${nofile}`);
  const nproc = Math.min(hard('Max processes'), pidMax);
  if (nproc < PODMAN_DEFAULT_RLIMIT) result.push(`nproc=${nproc}:${nproc}`);
  return result;
}
