import { mkdir, rm, writeFile } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import type { Logger } from '../../core/index.ts';
import { ConfigError, ExternalError, InternalError, messageOf } from '../../core/index.ts';
import type { Backend, RunSpec, StepExit, StepSpec } from '../contract.ts';
import { killRecordedGroups, recordProcessGroup } from './orphans.ts';
import { StepProcess } from './process.ts';
import { buildScript, scriptFileName } from './script.ts';

export interface ExecBackendConfig {
  /** Where run folders are created. */
  root: string;
  /** Between SIGTERM and SIGKILL when a step is stopped. */
  stopGraceMs: number;
  /**
   * An existing folder to use as every run's workspace instead of a fresh
   * one — `trunkline exec` runs in the current folder, like `drone exec`.
   * It is never deleted, and steps keep the user's own HOME.
   */
  workspace?: string;
}

/** The POSIX shell every step script runs with, as in Drone's exec runner. */
export const SHELL = '/bin/sh';

/** Folders of one run: `<root>/<run id>/{home,opt,<workspace base>/<workspace path>}`. */
interface RunFolders {
  dir: string;
  home: string;
  scripts: string;
  workspaceBase: string;
  workspace: string;
}

interface RunState {
  folders: RunFolders;
  steps: Map<string, StepProcess>;
  scriptCount: number;
}

/**
 * Runs steps as local processes, the way Drone's exec runner does: each
 * step's commands become a shell script run by `/bin/sh` in the run's
 * workspace, with the host environment plus the step's, and a private HOME
 * inside the run folder (so pipelines cannot alter the host user's git or
 * package manager configuration, and leave nothing behind). Every step is
 * its own process group; stop and destroy signal the whole group.
 */
export class ExecBackend implements Backend {
  readonly id = 'exec';
  readonly #config: ExecBackendConfig;
  readonly #logger: Logger;
  readonly #runs = new Map<string, RunState>();

  constructor(config: ExecBackendConfig, logger: Logger) {
    this.#config = config;
    this.#logger = logger.child({ backend: 'exec' });
  }

  async setup(run: RunSpec): Promise<void> {
    if (this.#runs.has(run.id)) throw new InternalError(`run "${run.id}" is already set up`);
    const folders = runFolders(this.#config, run);
    const state: RunState = { folders, steps: new Map(), scriptCount: 0 };
    this.#runs.set(run.id, state);
    for (const dir of [folders.dir, folders.home, folders.scripts, folders.workspace]) {
      await mkdir(dir, { recursive: true, mode: 0o700 });
    }
  }

  async start(run: RunSpec, spec: StepSpec): Promise<void> {
    const state = this.#run(run);
    const { step } = spec;
    if (state.steps.has(step.name)) throw new InternalError(`step "${step.name}" was already started`);
    if (step.commands.length === 0 && step.image !== '') {
      throw new ConfigError(
        `step "${step.name}" runs the image "${step.image}" without commands (a plugin), which the exec backend cannot run`,
      );
    }
    const { folders } = state;
    const cwd = inside(folders.workspace, step.workingDir, `working directory of step "${step.name}"`);
    await mkdir(cwd, { recursive: true });
    state.scriptCount += 1;
    const script = join(folders.scripts, scriptFileName(state.scriptCount, step.name));
    await writeFile(script, buildScript(step.commands), { mode: 0o700 });
    const env: Record<string, string> = {
      ...hostEnvironment(),
      ...(this.#config.workspace ? {} : { HOME: folders.home, USERPROFILE: folders.home }),
      GIT_TERMINAL_PROMPT: '0',
      ...spec.env,
      DRONE_WORKSPACE: folders.workspace,
      CI_WORKSPACE: folders.workspace,
      DRONE_WORKSPACE_BASE: folders.workspaceBase,
      DRONE_WORKSPACE_PATH: relative(folders.workspaceBase, folders.workspace),
    };
    try {
      const child = await StepProcess.start(SHELL, [script], { cwd, env });
      state.steps.set(step.name, child);
      if (child.pid !== undefined) await recordProcessGroup(folders.dir, child.pid);
      this.#logger.debug({ run: run.id, step: step.name, pid: child.pid }, 'step process started');
    } catch (error) {
      throw new ExternalError(`cannot start ${SHELL} for step "${step.name}": ${messageOf(error)}`, undefined, {
        cause: error,
      });
    }
  }

  tail(run: RunSpec, spec: StepSpec): AsyncIterable<Uint8Array> {
    return this.#step(run, spec).output;
  }

  wait(run: RunSpec, spec: StepSpec): Promise<StepExit> {
    return this.#step(run, spec).exited;
  }

  async stop(run: RunSpec, spec: StepSpec): Promise<void> {
    await this.#runs.get(run.id)?.steps.get(spec.step.name)?.stop(this.#config.stopGraceMs);
  }

  async destroy(run: RunSpec): Promise<void> {
    const state = this.#runs.get(run.id);
    const dir = state?.folders.dir ?? safeRunFolders(this.#config, run)?.dir;
    if (state) await Promise.all([...state.steps.values()].map((p) => p.stop(this.#config.stopGraceMs)));
    this.#runs.delete(run.id);
    if (dir !== undefined) await rm(dir, { recursive: true, force: true, maxRetries: 3 });
  }

  /** Ends the step processes a dead predecessor left running for this run, and removes its folder. */
  async reap(runId: string): Promise<void> {
    if (this.#runs.has(runId) || !/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(runId)) return;
    const dir = resolve(this.#config.root, runId);
    const killed = await killRecordedGroups(dir);
    if (killed > 0) this.#logger.warn({ run: runId, killed }, 'ended step processes left by a previous server');
    await rm(dir, { recursive: true, force: true, maxRetries: 3 });
  }

  #run(run: RunSpec): RunState {
    const state = this.#runs.get(run.id);
    if (!state) throw new InternalError(`run "${run.id}" is not set up`);
    return state;
  }

  #step(run: RunSpec, spec: StepSpec): StepProcess {
    const child = this.#run(run).steps.get(spec.step.name);
    if (!child) throw new InternalError(`step "${spec.step.name}" of run "${run.id}" was not started`);
    return child;
  }
}

/** Drone's exec layout: `<run>/home`, `<run>/opt` (scripts), `<run>/<base>/<path>` (e.g. `drone/src`). */
function runFolders(config: ExecBackendConfig, run: RunSpec): RunFolders {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(run.id)) {
    throw new ConfigError(`run id "${run.id}" cannot name a folder (letters, digits, ".", "_" and "-" only)`);
  }
  const dir = resolve(config.root, run.id);
  if (config.workspace) {
    const workspace = resolve(config.workspace);
    return { dir, home: join(dir, 'home'), scripts: join(dir, 'opt'), workspaceBase: workspace, workspace };
  }
  const { base, path } = run.pipeline.workspace;
  const workspaceBase = inside(dir, stripLeadingSlashes(base), 'workspace base');
  const workspace = inside(workspaceBase, stripLeadingSlashes(path), 'workspace path');
  return { dir, home: join(dir, 'home'), scripts: join(dir, 'opt'), workspaceBase, workspace };
}

function safeRunFolders(config: ExecBackendConfig, run: RunSpec): RunFolders | undefined {
  try {
    return runFolders(config, run);
  } catch {
    return undefined;
  }
}

function stripLeadingSlashes(path: string): string {
  return path.replace(/^\/+/, '');
}

/** `parent/child`, refusing a `child` that climbs out of `parent`. */
function inside(parent: string, child: string, what: string): string {
  const full = resolve(parent, child);
  const rel = relative(parent, full);
  if (rel.startsWith('..') || isAbsolute(rel)) throw new ConfigError(`${what} "${child}" leaves the run folder`);
  return full;
}

function hostEnvironment(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined) env[key] = value;
  return env;
}
