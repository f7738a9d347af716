import { posix } from 'node:path';
import { ConfigError } from '../../core/index.ts';
import type { PlanStep } from '../../pipeline/index.ts';
import type { RunSpec } from '../contract.ts';

/** The label every container, network and volume of a run carries: `trunkline.run=<run id>`. */
export const RUN_LABEL = 'trunkline.run';

/** Where a pipeline volume comes from. */
export type VolumeSource = { kind: 'volume'; name: string; memory: boolean } | { kind: 'host'; path: string };

/**
 * Names and paths of one run's resources, as Drone's docker runner lays
 * them out: one network per run, one volume holding the workspace mounted
 * at the workspace base (`/drone`), the workspace itself below it
 * (`/drone/src`), and a volume per `temp` pipeline volume.
 */
export interface RunLayout {
  id: string;
  network: string;
  workspaceVolume: string;
  workspaceBase: string;
  /** Absolute path of the workspace inside containers. */
  workspace: string;
  volumes: Map<string, VolumeSource>;
}

const RUN_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

const HOW_TO_TRUST = ' (an admin marks a repository trusted; locally: trunkline exec --trusted)';

/**
 * The run's layout, refusing what its repository may not do: `privileged`
 * steps and `host` volumes need a trusted repository, as in Drone.
 */
export function runLayout(run: RunSpec): RunLayout {
  if (!RUN_ID.test(run.id)) {
    throw new ConfigError(`run id "${run.id}" cannot name a container resource (letters, digits, ".", "_" and "-" only)`);
  }
  const { pipeline } = run;
  const prefix = `trunkline-${run.id}`;
  for (const step of [...pipeline.services, ...pipeline.steps]) checkPrivileged(step, run.trusted === true);
  const volumes = new Map<string, VolumeSource>();
  pipeline.volumes.forEach((volume, index) => {
    if (volume.host) {
      if (run.trusted !== true) {
        throw new ConfigError(
          `pipeline "${pipeline.name}" mounts the host path ${volume.host.path} (volume "${volume.name}"), which only trusted repositories may do${HOW_TO_TRUST}`,
        );
      }
      if (!posix.isAbsolute(volume.host.path)) throw new ConfigError(`volume "${volume.name}": host path "${volume.host.path}" is not absolute`);
      volumes.set(volume.name, { kind: 'host', path: volume.host.path });
    } else {
      volumes.set(volume.name, { kind: 'volume', name: `${prefix}-v${index + 1}`, memory: volume.temp?.medium === 'memory' });
    }
  });
  const base = posix.resolve('/', pipeline.workspace.base || '/');
  return {
    id: run.id,
    network: prefix,
    workspaceVolume: prefix,
    workspaceBase: base,
    workspace: posix.resolve(base, pipeline.workspace.path),
    volumes,
  };
}

export function checkPrivileged(step: PlanStep, trusted: boolean): void {
  if (step.privileged && !trusted) {
    throw new ConfigError(
      `step "${step.name}" asks for privileged mode, which only trusted repositories may use${HOW_TO_TRUST}`,
    );
  }
}

/** The step's working directory: `working_dir` relative to the workspace, or absolute. */
export function workingDirOf(layout: RunLayout, step: PlanStep): string {
  return posix.resolve(layout.workspace, step.workingDir);
}

/** Drone's location variables for a step. */
export function workspaceVariables(layout: RunLayout): Record<string, string> {
  return {
    DRONE_WORKSPACE: layout.workspace,
    CI_WORKSPACE: layout.workspace,
    DRONE_WORKSPACE_BASE: layout.workspaceBase,
    DRONE_WORKSPACE_PATH: posix.relative(layout.workspaceBase, layout.workspace),
  };
}
