/**
 * Failures of the Kubernetes API turned into Trunkline's typed errors. Every
 * error carries `details: KubeErrorDetails` (HTTP status, reason, request).
 */
import { ConfigError, ConflictError, ExternalError, NotFoundError } from '../core/index.ts';
import type { TrunklineError } from '../core/index.ts';
import type { KubeStatus } from './status.ts';

export interface KubeErrorDetails {
  /** HTTP status of the answer; 0 when no answer arrived (connection failure). */
  status: number;
  reason?: string;
  method: string;
  path: string;
  causes?: { reason?: string; message?: string; field?: string }[];
}

/** One field another manager owns, from a server-side apply conflict. */
export interface FieldConflict {
  /** JSON-path-like field, e.g. `.spec.replicas`. */
  field: string;
  /** The field manager that owns it, e.g. `kubectl-client-side-apply`. */
  manager: string;
  message: string;
}

/** Server-side apply refused: fields owned by other managers would change (retry with `force` to take them). */
export class ApplyConflictError extends ConflictError {
  readonly conflicts: FieldConflict[];

  constructor(message: string, conflicts: FieldConflict[], details: KubeErrorDetails) {
    super(message, { ...details, conflicts });
    this.conflicts = conflicts;
  }
}

/** The resourceVersion a watch or list started from is too old (410 Gone): relist, then watch again. */
export class WatchExpiredError extends ExternalError {
  constructor(message: string, details: KubeErrorDetails) {
    super(message, details);
  }
}

/** `conflict with "kubectl" using apps/v1` → `kubectl`. */
function managerOf(message: string): string {
  const match = /conflicts? with "([^"]*)"/.exec(message);
  return match?.[1] ?? '';
}

/** Reads the conflicts of a 409 from server-side apply; empty when the 409 is another kind of conflict. */
export function fieldConflicts(status: KubeStatus | undefined): FieldConflict[] {
  return (status?.details?.causes ?? [])
    .filter((cause) => cause.reason === 'FieldManagerConflict')
    .map((cause) => ({ field: cause.field ?? '', manager: managerOf(cause.message ?? ''), message: cause.message ?? '' }));
}

/**
 * The typed error for a failed answer. 400/422 are the object's own fault
 * (ConfigError), 404 NotFoundError, 409 ConflictError (ApplyConflictError for
 * field-manager conflicts), 410 WatchExpiredError; everything else, including
 * 401/403 (the cluster credentials, not our caller's), is ExternalError.
 */
export function errorForStatus(httpStatus: number, status: KubeStatus | undefined, request: { method: string; path: string }, bodyText: string): TrunklineError {
  const details: KubeErrorDetails = { status: httpStatus, method: request.method, path: request.path };
  if (status?.reason) details.reason = status.reason;
  if (status?.details?.causes) details.causes = status.details.causes;
  const what = status?.message ?? (bodyText.slice(0, 200) || `HTTP ${httpStatus}`);
  const message = `Kubernetes API ${request.method} ${request.path}: ${what}`;
  switch (httpStatus) {
    case 400:
    case 422:
      return new ConfigError(message, details);
    case 404:
      return new NotFoundError(message, details);
    case 409: {
      const conflicts = fieldConflicts(status);
      return conflicts.length > 0 ? new ApplyConflictError(message, conflicts, details) : new ConflictError(message, details);
    }
    case 410:
      return new WatchExpiredError(message, details);
    default:
      return new ExternalError(message, details);
  }
}
