import { ConfigError } from '../../core/index.ts';
import type { Platform } from './base.ts';
import type { HistoryEntry, ParsedImageConfig } from './schemas.ts';
import type { ContainerSettings, HistoryStep } from './types.ts';

export interface ConfigInput {
  base?: ParsedImageConfig;
  platform: Platform;
  settings: ContainerSettings;
  /** Traceability: the commit the image was built from. */
  revision: string;
  source?: string;
  created: Date;
  /** diff_ids of the new layers, in order. */
  diffIds: string[];
  history: HistoryStep[];
}

/** RFC 3339 without milliseconds: `2024-05-01T12:00:00Z`. */
export function rfc3339(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * The image config (image-spec `config.md`): the base image's settings with
 * the build's on top, OCI traceability labels, layers and history. Keys are
 * written in a fixed order so the same inputs give the same digest.
 */
export function imageConfig(input: ConfigInput): Record<string, unknown> {
  const base = input.base?.config ?? {};
  const s = input.settings;
  const created = rfc3339(input.created);
  const env = mergeEnv(base.Env ?? [], s.env ?? {});
  const ports: Record<string, object> = { ...(base.ExposedPorts ?? {}) };
  for (const port of s.exposedPorts ?? []) ports[normalisePort(port)] = {};
  const labels: Record<string, string> = {
    ...(base.Labels ?? {}),
    ...(s.labels ?? {}),
    // Trunkline's own record of where the image comes from wins over anything inherited or set.
    'org.opencontainers.image.created': created,
    'org.opencontainers.image.revision': input.revision,
    ...(input.source ? { 'org.opencontainers.image.source': input.source } : {}),
  };
  let entrypoint = base.Entrypoint ?? undefined;
  let cmd = base.Cmd ?? undefined;
  if (s.entrypoint) {
    entrypoint = s.entrypoint;
    cmd = undefined;
  }
  if (s.cmd) cmd = s.cmd;

  const config: Record<string, unknown> = {};
  const user = s.user ?? base.User;
  if (user) config.User = user;
  if (Object.keys(ports).length) config.ExposedPorts = sortKeys(ports);
  if (env.length) config.Env = env;
  if (entrypoint) config.Entrypoint = entrypoint;
  if (cmd) config.Cmd = cmd;
  const workingDir = s.workingDir ?? base.WorkingDir;
  if (workingDir) config.WorkingDir = workingDir;
  config.Labels = sortKeys(labels);

  const layered = input.history.filter((h) => !h.emptyLayer).length;
  if (layered !== input.diffIds.length) {
    throw new ConfigError(`history has ${layered} layer steps for ${input.diffIds.length} layers`);
  }
  const history: HistoryEntry[] = [
    ...(input.base?.history ?? []),
    ...input.history.map((h) => ({ created, created_by: h.createdBy, ...(h.emptyLayer ? { empty_layer: true } : {}) })),
  ];
  return {
    created,
    architecture: input.platform.architecture,
    os: input.platform.os,
    config,
    rootfs: { type: 'layers', diff_ids: [...(input.base?.rootfs.diff_ids ?? []), ...input.diffIds] },
    history,
  };
}

function mergeEnv(base: string[], set: Record<string, string>): string[] {
  const env = [...base];
  for (const [key, value] of Object.entries(set)) {
    if (!key || key.includes('=')) throw new ConfigError(`invalid environment variable name "${key}"`);
    const at = env.findIndex((pair) => pair.startsWith(`${key}=`));
    if (at >= 0) env[at] = `${key}=${value}`;
    else env.push(`${key}=${value}`);
  }
  return env;
}

function normalisePort(port: string): string {
  const match = /^(\d{1,5})(?:\/(tcp|udp|sctp))?$/i.exec(port);
  if (!match || Number(match[1]) < 1 || Number(match[1]) > 65535) {
    throw new ConfigError(`invalid exposed port "${port}": expected port[/tcp|udp|sctp]`);
  }
  return `${Number(match[1])}/${(match[2] ?? 'tcp').toLowerCase()}`;
}

function sortKeys<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
