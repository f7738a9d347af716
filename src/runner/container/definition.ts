import { basename, resolve } from 'node:path';
import { z } from 'zod';
import type { Logger } from '../../core/index.ts';
import { ConfigError, messageOf } from '../../core/index.ts';
import { defineBackend } from '../contract.ts';
import { ContainerBackend } from './backend.ts';
import type { ContainerEngine } from './backend.ts';
import { ContainerCli } from './cli.ts';
import { probeHost } from './probe.ts';

const ulimit = z.string().regex(/^[a-z]+=-?\d+(:-?\d+)?$/, 'a ulimit such as nofile=20000:20000');

const configSchema = z.object({
  /** Which CLI: `auto` tries podman, then docker. */
  engine: z.enum(['auto', 'podman', 'docker']).default('auto'),
  /** Path or name of the CLI binary, instead of `podman`/`docker`. */
  command: z.string().min(1).optional(),
  /**
   * Command prefix for `start` (the command that makes the OCI runtime
   * start a container); `[]` for none. Unset: detected once (podman on a
   * hybrid cgroup host gets a private mount namespace without the cgroup2
   * mount).
   */
  wrapper: z.array(z.string().min(1)).optional(),
  /** `--ulimit` values for every container; unset: detected once (podman, within this process's hard limits). */
  ulimits: z.array(ulimit).optional(),
  /**
   * A host folder mounted as every run's workspace instead of a fresh
   * volume — `trunkline exec` runs in the current folder, like `drone exec`.
   */
  workspace: z.string().min(1).optional(),
  /** Image of the generated clone step (needs `/bin/sh` and `git`); default the plan's (`drone/git`). */
  cloneImage: z.string().min(1).optional(),
  /** Between SIGTERM and SIGKILL when a step is stopped (rounded up to seconds). */
  stopGraceMs: z.number().int().nonnegative().default(5000),
});

export type ContainerBackendConfig = z.infer<typeof configSchema>;

/** Containers through the podman or docker CLI: runs `type: docker` pipelines. */
export const containerBackend = defineBackend<ContainerBackendConfig>({
  id: 'container',
  pipelineTypes: ['docker'],
  configSchema,
  async isAvailable(config) {
    try {
      await findCli(config);
      return { available: true };
    } catch (error) {
      return { available: false, reason: messageOf(error) };
    }
  },
  create(config, deps) {
    let engine: Promise<ContainerEngine> | undefined;
    const ready = () => {
      engine ??= resolveEngine(config, deps.logger);
      engine.catch(() => (engine = undefined));
      return engine;
    };
    return new ContainerBackend(ready, {
      stopGraceMs: config.stopGraceMs,
      logger: deps.logger,
      ...(config.workspace !== undefined ? { workspace: resolve(config.workspace) } : {}),
      ...(config.cloneImage !== undefined ? { cloneImage: config.cloneImage } : {}),
    });
  },
});

/** The first CLI that answers `version` (for docker: with its daemon), and which kind it is. */
async function findCli(config: ContainerBackendConfig): Promise<{ command: string; kind: 'podman' | 'docker' }> {
  const candidates = config.command ? [config.command] : config.engine === 'auto' ? ['podman', 'docker'] : [config.engine];
  const failures: string[] = [];
  for (const command of candidates) {
    try {
      await new ContainerCli(command).run(['version']);
      const kind = config.engine !== 'auto' ? config.engine : basename(command).includes('docker') ? 'docker' : 'podman';
      return { command, kind };
    } catch (error) {
      failures.push(`${command}: ${messageOf(error)}`);
    }
  }
  throw new ConfigError(`no working container CLI (${failures.join('; ')})`);
}

async function resolveEngine(config: ContainerBackendConfig, logger: Logger): Promise<ContainerEngine> {
  const { command, kind } = await findCli(config);
  const probe = async () =>
    kind === 'podman' && (config.wrapper === undefined || config.ulimits === undefined)
      ? probeHost(new ContainerCli(command), logger)
      : { wrapper: [], ulimits: [] };
  const found = await probe();
  return {
    cli: new ContainerCli(command, config.wrapper ?? found.wrapper),
    kind,
    ulimits: config.ulimits ?? found.ulimits,
  };
}
