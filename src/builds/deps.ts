import type { Clock, Logger } from '../core/index.ts';
import type { PipelineConfigSource } from '../git/index.ts';
import type { Store } from '../store/index.ts';
import type { BuildChanges } from './changes.ts';
import type { ServerInfo } from './context.ts';
import type { LiveLogs } from './live.ts';
import type { Mirrors } from './mirrors.ts';
import type { Wakeup } from './wakeup.ts';

/** What the build lifecycle functions share; assembled once by `BuildService`. */
export interface BuildDeps {
  store: Store;
  mirrors: Mirrors;
  live: LiveLogs;
  /** Notified whenever a stage job is queued, so the worker claims it at once. */
  queued: Wakeup;
  changes: BuildChanges;
  /** Where each build's pipeline file comes from. */
  config: PipelineConfigSource;
  server: ServerInfo;
  logger: Logger;
  clock: Clock;
}

export const STAGE_JOB = 'stage';

export interface StageJobPayload {
  buildId: string;
  stageId: string;
}
