/**
 * What the preview lifecycle tells the outside (audit, notifications): one
 * event per step, through a sink the composition root provides. Every
 * teardown emits `preview.removed` (or `preview.failed`), so each is audited.
 */
import type { PreviewRemovalReason } from '../../store/index.ts';

export const previewEventTypes = ['preview.created', 'preview.ready', 'preview.updated', 'preview.removed', 'preview.failed', 'preview.refused'] as const;
export type PreviewEventType = (typeof previewEventTypes)[number];

export interface PreviewEvent {
  type: PreviewEventType;
  /** The preview's name (its namespace and config folder). */
  preview: string;
  environment: string;
  repo: string;
  branch: string;
  /** Who caused it: a login, `@hook` for git events, `@ttl` for the reaper. */
  actor: string;
  /** `preview.ready` and `preview.updated`. */
  url?: string;
  imageTag?: string;
  /** `preview.removed`. */
  reason?: PreviewRemovalReason;
  /** `preview.failed` and `preview.refused`: what went wrong. */
  message?: string;
  at: number;
}

export interface PreviewEventSink {
  /** Called in order; must not throw (a failing sink is the sink's problem, not the preview's). */
  emit(event: PreviewEvent): void;
}
