import type { JsonObject } from './json.ts';

export type StatusReason = 'NotFound' | 'AlreadyExists' | 'Conflict' | 'Invalid' | 'Expired' | 'BadRequest' | 'Unauthorized' | 'MethodNotAllowed' | 'UnsupportedMediaType' | 'Gone';

/** An error answered as a `kind: Status` body, as kube-apiserver does. */
export class ApiError extends Error {
  readonly code: number;
  readonly reason: StatusReason;
  readonly details: JsonObject | undefined;
  constructor(code: number, reason: StatusReason, message: string, details?: JsonObject) {
    super(message);
    this.code = code;
    this.reason = reason;
    this.details = details;
  }
  body(): JsonObject {
    return statusBody(this.code, this.reason, this.message, this.details);
  }
}

export function statusBody(code: number, reason: StatusReason, message: string, details?: JsonObject): JsonObject {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    ...(details ? { details } : {}),
    code,
  };
}

/** `configmaps "x"` style, with the group when it has one (`deployments.apps "x"`). */
function qualified(plural: string, group: string): string {
  return group ? `${plural}.${group}` : plural;
}

export function notFound(plural: string, group: string, name: string): ApiError {
  return new ApiError(404, 'NotFound', `${qualified(plural, group)} "${name}" not found`, { name, group, kind: plural });
}

export function alreadyExists(plural: string, group: string, name: string): ApiError {
  return new ApiError(409, 'AlreadyExists', `${qualified(plural, group)} "${name}" already exists`, { name, group, kind: plural });
}

export function conflict(plural: string, group: string, name: string, why: string): ApiError {
  return new ApiError(409, 'Conflict', `Operation cannot be fulfilled on ${qualified(plural, group)} "${name}": ${why}`, { name, group, kind: plural });
}

export function invalid(kind: string, group: string, name: string, field: string, problem: string): ApiError {
  return new ApiError(422, 'Invalid', `${kind}${group ? `.${group}` : ''} "${name}" is invalid: ${field}: ${problem}`, {
    name,
    group,
    kind,
    causes: [{ reason: 'FieldValueInvalid', message: problem, field }],
  });
}

export function badRequest(message: string): ApiError {
  return new ApiError(400, 'BadRequest', message);
}

export function expired(message: string): ApiError {
  return new ApiError(410, 'Expired', message);
}
