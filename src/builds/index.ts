export { BuildService } from './service.ts';
export type { BuildServiceOptions, BuildDetail } from './service.ts';
export type { TriggerRequest } from './trigger.ts';
export type { ServerInfo } from './context.ts';
export type { WorkerOptions, StageAccess } from './worker.ts';
export { LiveLogs } from './live.ts';
export type { LiveEvent } from './live.ts';
export { RESTART_REASON } from './recovery.ts';
export { isFinished } from './status.ts';
