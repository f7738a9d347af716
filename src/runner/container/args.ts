import { ConfigError } from '../../core/index.ts';
import type { PlanStep } from '../../pipeline/index.ts';
import { buildScript } from '../exec/script.ts';
import { expandImage, isLatest } from './image.ts';
import { checkPrivileged, RUN_LABEL, workingDirOf } from './layout.ts';
import type { RunLayout } from './layout.ts';
import { limitFlags } from './resources.ts';

export interface CreateOptions {
  /** Unique container name. */
  name: string;
  trusted: boolean;
  /** `--ulimit` values (`nofile=20000:20000`). */
  ulimits: readonly string[];
  /** Path of the env file with the step's one-line variables, if any. */
  envFile?: string;
  /** Flags passing the remaining variables by name (`--env NAME`). */
  envFlags: readonly string[];
  /** A host folder bind-mounted as the workspace (over the workspace volume). */
  hostWorkspace?: string;
  /** Image for the generated clone step instead of the plan's. */
  cloneImage?: string;
  /** The clone step's remote when it is a folder on this machine (the server's mirror): mounted read-only at the same path. */
  cloneSource?: string;
}

/** Hostnames a step is reachable by on the run's network: its name, when a valid DNS label. */
const ALIAS = /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

/**
 * The arguments of `create` for one step or service, as Drone's docker
 * runner sets a container up: the run's network with the step's name as
 * an alias (so services are reachable by name), the workspace volume at
 * the workspace base, the step's working directory, its pipeline volumes,
 * pull policy, resource limits and privileges. Steps with `commands` run
 * them as one `set -e` script through `/bin/sh -c`, echoing each command
 * (Drone's entrypoint override); steps without run the image's own
 * entrypoint (a plugin or a service), or the given `entrypoint`/`command`.
 */
export function createArgs(layout: RunLayout, step: PlanStep, options: CreateOptions): string[] {
  const clone = step.kind === 'clone';
  const given = clone && options.cloneImage !== undefined ? options.cloneImage : step.image;
  if (given === '') throw new ConfigError(`step "${step.name}" has no image`);
  checkPrivileged(step, options.trusted);
  const image = expandImage(given);
  const args = [
    '--name', options.name,
    '--label', `${RUN_LABEL}=${layout.id}`,
    '--label', `trunkline.step=${step.name}`,
    '--network', layout.network,
    ...(ALIAS.test(step.name) ? ['--network-alias', step.name] : []),
    '--volume', `${layout.workspaceVolume}:${layout.workspaceBase}`,
    ...(options.hostWorkspace !== undefined ? ['--volume', `${options.hostWorkspace}:${layout.workspace}`] : []),
    '--workdir', workingDirOf(layout, step),
    // The clone image is the runner's own tool: fetched once, not for every build.
    '--pull', pullPolicy(clone ? 'if-not-exists' : step.pull, image),
  ];
  if (clone && options.cloneSource !== undefined) args.push('--volume', `${options.cloneSource}:${options.cloneSource}:ro`);
  for (const mount of step.volumes) {
    const source = layout.volumes.get(mount.name);
    if (!source) throw new ConfigError(`step "${step.name}" mounts the volume "${mount.name}", which the pipeline does not define`);
    args.push('--volume', `${source.kind === 'host' ? source.path : source.name}:${mount.path}`);
  }
  if (step.privileged) args.push('--privileged');
  if (step.user !== undefined && step.user !== '') args.push('--user', step.user);
  args.push(...limitFlags(step.name, step.resources?.limits));
  for (const ulimit of options.ulimits) args.push('--ulimit', ulimit);
  if (options.envFile !== undefined) args.push('--env-file', options.envFile);
  args.push(...options.envFlags);
  if (step.commands.length > 0) {
    args.push('--entrypoint', '/bin/sh', image, '-c', buildScript(step.commands));
  } else if (step.entrypoint.length > 0) {
    args.push('--entrypoint', step.entrypoint[0]!, image, ...step.entrypoint.slice(1), ...step.command);
  } else {
    args.push(image, ...step.command);
  }
  return args;
}

/**
 * Drone's pull policies as `--pull` values: `default` pulls `latest` images
 * every time and others when missing.
 */
export function pullPolicy(pull: PlanStep['pull'], expandedImage: string): 'always' | 'never' | 'missing' {
  switch (pull) {
    case 'always':
      return 'always';
    case 'never':
      return 'never';
    case 'if-not-exists':
      return 'missing';
    case 'default':
      return isLatest(expandedImage) ? 'always' : 'missing';
  }
}
