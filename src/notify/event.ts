import { z } from 'zod';

/** Every kind of notification. `test` is only sent on request, to check a target. */
export const notificationKinds = [
  'build.failed',
  'build.succeeded',
  'preview.ready',
  'preview.removed',
  'approval.requested',
  'deployment.succeeded',
  'deployment.failed',
  'rollback',
  'drift.detected',
  'sync.succeeded',
  'test',
] as const;

export type NotificationKind = (typeof notificationKinds)[number];

/** Kinds sent only to targets that name them: routine successes, and the on-request `test`. */
const quietKinds: readonly NotificationKind[] = ['build.succeeded', 'sync.succeeded', 'test'];

/** What a target receives when it names no events: what needs someone's attention. */
export const attentionKinds: readonly NotificationKind[] = notificationKinds.filter((kind) => !quietKinds.includes(kind));

/** Kinds a target may subscribe to (everything but `test`). */
export const routableKinds: readonly NotificationKind[] = notificationKinds.filter((kind) => kind !== 'test');

/** Something that happened, as every format receives it. */
export interface Notification {
  /** Unique per event; receivers may use it to drop duplicates (a retried delivery repeats it). */
  id: string;
  kind: NotificationKind;
  /** When it happened (ms since the epoch). */
  at: number;
  /** One human sentence, e.g. "Build #12 of acme/api failed on main". */
  summary: string;
  /** Repository slug `namespace/name`. */
  repo?: string;
  service?: string;
  environment?: string;
  /** Image tag, chart version or build number, as the source knows it. */
  version?: string;
  /** Where to look: the build, the preview, the approval page. */
  url?: string;
  /** Who caused it (login), when someone did. */
  actor?: string;
}

/** What event sources pass to `Notifier.notify`; `id` and `at` are filled in when absent. */
export type NotificationInput = Omit<Notification, 'id' | 'at'> & Partial<Pick<Notification, 'id' | 'at'>>;

/** A notification read back from the durable queue (a boundary: the row may come from another version). */
export const notificationSchema = z.object({
  id: z.string().min(1),
  kind: z.enum(notificationKinds),
  at: z.number().int(),
  summary: z.string(),
  repo: z.string().optional(),
  service: z.string().optional(),
  environment: z.string().optional(),
  version: z.string().optional(),
  url: z.string().optional(),
  actor: z.string().optional(),
}) satisfies z.ZodType<Notification>;

/** A short human title per kind, shared by the chat formats. */
export const titles: Readonly<Record<NotificationKind, string>> = {
  'build.failed': 'Build failed',
  'build.succeeded': 'Build succeeded',
  'preview.ready': 'Preview ready',
  'preview.removed': 'Preview removed',
  'approval.requested': 'Approval requested',
  'deployment.succeeded': 'Deployed',
  'deployment.failed': 'Deployment failed',
  rollback: 'Rolled back',
  'drift.detected': 'Drift detected',
  'sync.succeeded': 'Synced',
  test: 'Test notification',
};

/** The facts beside the summary, in display order, as label/value pairs. */
export function facts(event: Notification): [string, string][] {
  const pairs: [string, string | undefined][] = [
    ['repo', event.repo],
    ['service', event.service],
    ['environment', event.environment],
    ['version', event.version],
    ['by', event.actor],
  ];
  return pairs.filter((pair): pair is [string, string] => pair[1] !== undefined && pair[1] !== '');
}
