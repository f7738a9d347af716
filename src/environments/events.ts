/**
 * What the environments service tells the rest of Trunkline (the audit log
 * and notifications are wired to this sink by the server). Emitting never
 * fails the operation: sinks handle their own errors.
 */
export type EnvironmentEventKind =
  | 'approval.requested'
  | 'approval.given'
  | 'deployment.succeeded'
  | 'deployment.failed'
  | 'rollback'
  | 'sync.refused'
  | 'window.override';

export interface EnvironmentEvent {
  kind: EnvironmentEventKind;
  environment: string;
  service: string;
  /** Who did it (a login), or `@system`. */
  actor: string;
  /** The image tag concerned, when one is. */
  version?: string;
  /** Why (a refusal's reason, an override's reason, an approval's comment). */
  reason?: string;
  /** The release record made, when one was. */
  releaseId?: string;
  at: number;
}

export interface EnvironmentEvents {
  emit(event: EnvironmentEvent): void;
}

export const noEvents: EnvironmentEvents = { emit: () => undefined };
