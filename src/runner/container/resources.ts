import { ConfigError } from '../../core/index.ts';

/**
 * `resources.limits` of a step as container CLI flags. Units follow
 * Drone's Kubernetes runner, the only Drone runner that reads this block:
 * `cpu` in millicores (`1000` or `1000m` is one CPU; a decimal such as
 * `1.5` is CPUs), `memory` in bytes with an optional unit (`500MiB`,
 * `640Mi`, `1G`, `2GB`). `requests` are scheduling hints with no meaning
 * on a single machine and are ignored.
 */
export function limitFlags(stepName: string, limits: Readonly<Record<string, string>> | undefined): string[] {
  const flags: string[] = [];
  for (const [key, value] of Object.entries(limits ?? {})) {
    if (key === 'cpu') flags.push('--cpus', String(parseCpus(value, stepName)));
    else if (key === 'memory') flags.push('--memory', String(parseBytes(value, stepName)));
    else throw new ConfigError(`step "${stepName}": resources.limits.${key} is not supported by the container backend (cpu, memory)`);
  }
  return flags;
}

/** CPUs (fractional) from millicores or a decimal CPU count. */
export function parseCpus(text: string, stepName = ''): number {
  const value = text.trim();
  const milli = /^(\d+)m?$/.exec(value);
  const cpus = milli ? Number(milli[1]) / 1000 : /^\d*\.\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!(cpus >= 0.01)) {
    throw new ConfigError(
      `step "${stepName}": resources.limits.cpu "${text}" is not a CPU amount (millicores such as 500 or 500m, at least 10)`,
    );
  }
  return Math.round(cpus * 1000) / 1000;
}

const units: Record<string, number> = {
  '': 1,
  b: 1,
  k: 1e3,
  m: 1e6,
  g: 1e9,
  t: 1e12,
  ki: 2 ** 10,
  mi: 2 ** 20,
  gi: 2 ** 30,
  ti: 2 ** 40,
};

/** Bytes from `123`, `500MiB`, `640Mi`, `1G`, `2GB` (decimal units are powers of 1000). */
export function parseBytes(text: string, stepName = ''): number {
  const match = /^(\d+(?:\.\d+)?)\s*([kmgt]i?)?b?$/i.exec(text.trim());
  const factor = match ? units[(match[2] ?? '').toLowerCase()] : undefined;
  const bytes = match && factor !== undefined ? Math.floor(Number(match[1]) * factor) : Number.NaN;
  // Podman and Docker refuse less than 6 MiB.
  if (!(bytes >= 6 * 2 ** 20) || !Number.isSafeInteger(bytes)) {
    throw new ConfigError(
      `step "${stepName}": resources.limits.memory "${text}" is not a memory amount of at least 6MiB (such as 512MiB, 640Mi or 1G)`,
    );
  }
  return bytes;
}
