import { clone, metadataOf, type JsonObject } from './json.ts';

export type EventType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** A change as watchers see it; `previous` lets a filtered watch turn edits into ADDED/DELETED. */
export type StoredEvent = {
  type: EventType;
  resourceVersion: number;
  resource: string;
  namespace: string;
  object: JsonObject;
  previous: JsonObject | undefined;
};

/**
 * Objects by resource, namespace and name, with one global resourceVersion counter (like etcd's
 * revision) and a history of changes that watches replay from; compaction forgets that history.
 */
export class ObjectStore {
  private readonly objects = new Map<string, JsonObject>();
  private readonly history: StoredEvent[] = [];
  private readonly listeners = new Set<(event: StoredEvent) => void>();
  private revision = 1;
  private compactedThrough = 0;

  private static key(resource: string, namespace: string, name: string): string {
    return `${resource}\u0000${namespace}\u0000${name}`;
  }

  currentRevision(): number {
    return this.revision;
  }

  /** Events at or below this revision are gone. */
  compactedRevision(): number {
    return this.compactedThrough;
  }

  get(resource: string, namespace: string, name: string): JsonObject | undefined {
    const object = this.objects.get(ObjectStore.key(resource, namespace, name));
    return object && clone(object);
  }

  list(resource: string, namespace?: string): JsonObject[] {
    const prefix = namespace === undefined ? `${resource}\u0000` : `${resource}\u0000${namespace}\u0000`;
    return [...this.objects]
      .filter(([key]) => key.startsWith(prefix))
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([, object]) => clone(object));
  }

  all(): { resource: string; object: JsonObject }[] {
    return this.select(() => true);
  }

  /** Copies of the objects `keep` chooses (it sees the stored object: it must not change it). */
  select(keep: (object: JsonObject) => boolean): { resource: string; object: JsonObject }[] {
    const chosen: { resource: string; object: JsonObject }[] = [];
    for (const [key, object] of this.objects) if (keep(object)) chosen.push({ resource: key.split('\u0000')[0]!, object: clone(object) });
    return chosen;
  }

  /** Stores an object with the next resourceVersion; returns what was stored. */
  put(resource: string, namespace: string, name: string, object: JsonObject): JsonObject {
    const key = ObjectStore.key(resource, namespace, name);
    const previous = this.objects.get(key);
    const stored = clone(object);
    metadataOf(stored).resourceVersion = String(++this.revision);
    this.objects.set(key, stored);
    this.record(previous ? 'MODIFIED' : 'ADDED', resource, namespace, stored, previous);
    return clone(stored);
  }

  delete(resource: string, namespace: string, name: string): JsonObject | undefined {
    const key = ObjectStore.key(resource, namespace, name);
    const previous = this.objects.get(key);
    if (!previous) return undefined;
    this.objects.delete(key);
    const gone = clone(previous);
    metadataOf(gone).resourceVersion = String(++this.revision);
    this.record('DELETED', resource, namespace, gone, previous);
    return clone(gone);
  }

  private record(type: EventType, resource: string, namespace: string, object: JsonObject, previous: JsonObject | undefined): void {
    const event = { type, resourceVersion: this.revision, resource, namespace, object: clone(object), previous };
    this.history.push(event);
    for (const listener of this.listeners) listener(event);
  }

  /** Events after a revision, or 'expired' when compaction has dropped some of them. */
  since(revision: number): StoredEvent[] | 'expired' {
    if (revision < this.compactedThrough) return 'expired';
    return this.history.filter((event) => event.resourceVersion > revision);
  }

  /** Forgets the change history up to now (etcd compaction). */
  compact(): void {
    this.history.length = 0;
    this.compactedThrough = this.revision;
  }

  subscribe(listener: (event: StoredEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
