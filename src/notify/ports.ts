/**
 * What the notifier needs from durable state, shaped like the store's
 * repositories (the composition root passes `store.notificationTargets`,
 * `store.notificationDeliveries` and `store.jobs`); the notify module itself
 * depends on core only.
 */

export interface StoredTarget {
  name: string;
  kind: string;
  events?: string[];
  environments?: string[];
  settings: Record<string, unknown>;
  secretFields: string[];
  createdAt: number;
  updatedAt: number;
}

export interface StoredTargetInput {
  name: string;
  kind: string;
  events?: readonly string[] | null;
  environments?: readonly string[] | null;
  settings: Record<string, unknown>;
  secrets: Record<string, string>;
}

export interface TargetStore {
  create(input: StoredTargetInput): Promise<StoredTarget>;
  get(name: string): Promise<StoredTarget>;
  list(): Promise<StoredTarget[]>;
  update(name: string, patch: Partial<Omit<StoredTargetInput, 'name' | 'kind'>>): Promise<StoredTarget>;
  delete(name: string): Promise<void>;
  revealSecrets(name: string): Promise<Record<string, string>>;
}

export type DeliveryStatus = 'queued' | 'retrying' | 'delivered' | 'failed';

export interface DeliveryInput {
  id: string;
  target: string;
  eventId: string;
  eventKind: string;
  status: DeliveryStatus;
  attempts: number;
  responseStatus?: number | null;
  lastError?: string | null;
}

export interface Delivery extends Omit<DeliveryInput, 'responseStatus' | 'lastError'> {
  responseStatus?: number;
  lastError?: string;
  createdAt: number;
  updatedAt: number;
}

export interface DeliveryStore {
  save(input: DeliveryInput): Promise<Delivery>;
  list(query?: { target?: string; limit?: number }): Promise<Delivery[]>;
}

export interface QueuedJob {
  id: string;
  payload: unknown;
  status: string;
  /** Times leased so far, this lease included. */
  attempts: number;
  availableAt: number;
}

/** A durable queue with leases (the store's `jobs`). */
export interface JobQueue {
  enqueue(input: { kind: string; payload: unknown; availableAt?: number }): Promise<QueuedJob>;
  claim(options: { owner: string; leaseMs: number; kinds?: readonly string[] }): Promise<QueuedJob | undefined>;
  complete(id: string, owner: string): Promise<unknown>;
  fail(id: string, owner: string, error: string): Promise<unknown>;
  requeue(id: string, owner: string, availableAt?: number): Promise<unknown>;
  expireLeases(now?: number, options?: { requeue?: boolean; maxAttempts?: number; kinds?: readonly string[] }): Promise<QueuedJob[]>;
  list(query?: { status?: 'queued' | 'leased' | 'done' | 'failed'; kind?: string; limit?: number }): Promise<QueuedJob[]>;
}
