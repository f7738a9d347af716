export {
  TrunklineError,
  ConfigError,
  NotFoundError,
  ConflictError,
  UnauthorizedError,
  ForbiddenError,
  ExternalError,
  InternalError,
  isTrunklineError,
  messageOf,
} from './errors.ts';
export type { ErrorCode } from './errors.ts';
export { ok, err } from './result.ts';
export type { Result } from './result.ts';
export { silentLogger } from './logger.ts';
export type { Logger, LogFn } from './logger.ts';
export { systemClock } from './clock.ts';
export type { Clock } from './clock.ts';
export { newId, newSecret } from './ids.ts';
export { whenAborted } from './abort.ts';
export { Limiter, mapLimit } from './limiter.ts';
export { parseYamlWith, formatProblem } from './yaml-input.ts';
export type { InputProblem, YamlInputOptions } from './yaml-input.ts';
