/**
 * Typed domain errors. Domain code throws these; the HTTP layer maps each
 * `code` to a status and a `{error, message, details}` body.
 */
export type ErrorCode = 'config' | 'not_found' | 'conflict' | 'forbidden' | 'unauthorized' | 'external' | 'internal';

export class TrunklineError extends Error {
  readonly code: ErrorCode;
  readonly details: unknown;

  constructor(code: ErrorCode, message: string, details?: unknown, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    this.details = details;
  }
}

/** Bad input or configuration: a file, a request body, a flag. */
export class ConfigError extends TrunklineError {
  constructor(message: string, details?: unknown, options?: ErrorOptions) {
    super('config', message, details, options);
  }
}

export class NotFoundError extends TrunklineError {
  constructor(message: string, details?: unknown) {
    super('not_found', message, details);
  }
}

/** The request is valid but clashes with the current state. */
export class ConflictError extends TrunklineError {
  constructor(message: string, details?: unknown) {
    super('conflict', message, details);
  }
}

/** No credentials, or credentials that are not valid. */
export class UnauthorizedError extends TrunklineError {
  constructor(message: string, details?: unknown) {
    super('unauthorized', message, details);
  }
}

/** Valid credentials that lack the permission asked for. */
export class ForbiddenError extends TrunklineError {
  constructor(message: string, details?: unknown) {
    super('forbidden', message, details);
  }
}

/** Something outside Trunkline failed: a git host, a registry, a cluster, a process. */
export class ExternalError extends TrunklineError {
  constructor(message: string, details?: unknown, options?: ErrorOptions) {
    super('external', message, details, options);
  }
}

/** A bug: an invariant of Trunkline itself does not hold. */
export class InternalError extends TrunklineError {
  constructor(message: string, details?: unknown, options?: ErrorOptions) {
    super('internal', message, details, options);
  }
}

export function isTrunklineError(value: unknown): value is TrunklineError {
  return value instanceof TrunklineError;
}

/** The message of anything thrown, for logs and records. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
