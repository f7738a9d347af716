import { randomBytes, randomUUID } from 'node:crypto';
import { clone, deepEqual, isObject, metadataOf, type JsonObject } from './json.ts';
import { recordUpdate, serverSideApply, type Subresource } from './managed-fields.ts';
import type { Registry } from './registry.ts';
import { groupVersionOf, resourcesOfCrd, type ResourceDef } from './resources.ts';
import { alreadyExists, badRequest, conflict, invalid, notFound } from './status.ts';
import type { ObjectStore } from './store.ts';

export type Target = { def: ResourceDef; namespace: string };
export type WriteOptions = { manager: string; dryRun: boolean; subresource: Subresource };

const dnsSubdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export function resourceKey(def: ResourceDef): string {
  return `${def.group}/${def.plural}`;
}

function now(): string {
  return new Date().toISOString().replace(/\.\d+Z$/, 'Z');
}

/** Generation follows changes of everything but metadata and status. */
function specOf(object: JsonObject): JsonObject {
  const { metadata: _m, status: _s, apiVersion: _a, kind: _k, ...spec } = object;
  return spec;
}

function tracksGeneration(def: ResourceDef): boolean {
  return def.status || def.custom;
}

/** Equal but for managedFields timestamps: such a write changes nothing and is not stored. */
function sameContent(a: JsonObject, b: JsonObject): boolean {
  const strip = (object: JsonObject) => {
    const copy = clone(object);
    const metadata = metadataOf(copy);
    if (Array.isArray(metadata.managedFields)) for (const entry of metadata.managedFields) if (isObject(entry)) delete entry.time;
    delete metadata.resourceVersion;
    return copy;
  };
  return deepEqual(strip(a), strip(b));
}

/** The object operations of kube-apiserver over a store: validation, defaulting, concurrency, field management. */
export class Operations {
  private readonly registry: Registry;
  private readonly store: ObjectStore;

  constructor(registry: Registry, store: ObjectStore) {
    this.registry = registry;
    this.store = store;
    for (const name of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) {
      const def = registry.find('v1', 'namespaces')!;
      this.create({ def, namespace: '' }, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } }, { manager: 'kube-apiserver', dryRun: false, subresource: '' });
    }
  }

  get({ def, namespace }: Target, name: string): JsonObject {
    const object = this.store.get(resourceKey(def), namespace, name);
    if (!object) throw notFound(def.plural, def.group, name);
    return object;
  }

  find({ def, namespace }: Target, name: string): JsonObject | undefined {
    return this.store.get(resourceKey(def), namespace, name);
  }

  list({ def, namespace }: Target): JsonObject[] {
    return this.store.list(resourceKey(def), def.namespaced && namespace ? namespace : undefined);
  }

  private checkIdentity(target: Target, body: JsonObject): JsonObject {
    const { def, namespace } = target;
    const object = clone(body);
    const apiVersion = groupVersionOf(def);
    if (object.apiVersion === undefined) object.apiVersion = apiVersion;
    if (object.kind === undefined) object.kind = def.kind;
    if (object.apiVersion !== apiVersion || object.kind !== def.kind) {
      throw badRequest(`the API version in the data (${String(object.apiVersion)}) does not match the expected API version (${apiVersion})`);
    }
    const metadata = metadataOf(object);
    if (def.namespaced) {
      if (metadata.namespace !== undefined && metadata.namespace !== namespace) {
        throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
      }
      metadata.namespace = namespace;
    } else delete metadata.namespace;
    return object;
  }

  private checkNamespace({ def, namespace }: Target): void {
    if (def.namespaced && !this.store.get('/namespaces', '', namespace)) throw notFound('namespaces', '', namespace);
  }

  create(target: Target, body: JsonObject, options: WriteOptions): JsonObject {
    const { def } = target;
    const object = this.checkIdentity(target, body);
    const metadata = metadataOf(object);
    if (metadata.name === undefined && typeof metadata.generateName === 'string') {
      metadata.name = `${metadata.generateName}${randomBytes(4).toString('hex').slice(0, 5)}`;
    }
    const name = typeof metadata.name === 'string' ? metadata.name : '';
    if (!name) throw invalid(def.kind, def.group, name, 'metadata.name', 'Required value: name or generateName is required');
    if (!dnsSubdomain.test(name) || name.length > 253) {
      throw invalid(def.kind, def.group, name, 'metadata.name', `Invalid value: "${name}": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character`);
    }
    this.checkNamespace(target);
    if (this.find(target, name)) throw alreadyExists(def.plural, def.group, name);
    for (const field of ['resourceVersion', 'uid', 'creationTimestamp', 'deletionTimestamp', 'generation', 'managedFields']) delete metadata[field];
    metadata.uid = randomUUID();
    metadata.creationTimestamp = now();
    if (tracksGeneration(def)) metadata.generation = 1;
    if (def.status) delete object.status;
    this.defaults(def, object);
    recordUpdate(undefined, object, { manager: options.manager, subresource: '', time: now() });
    return this.save(target, name, object, options.dryRun);
  }

  /** What the real server fills in that tests (and diff normalisation) meet. */
  private defaults(def: ResourceDef, object: JsonObject): void {
    const metadata = metadataOf(object);
    if (def.kind === 'Namespace' && !def.group) {
      metadata.labels = { ...(isObject(metadata.labels) ? metadata.labels : {}), 'kubernetes.io/metadata.name': String(metadata.name) };
      object.spec = { finalizers: ['kubernetes'] };
      object.status = { phase: 'Active' };
    }
    if (def.kind === 'CustomResourceDefinition') {
      const names = isObject(object.spec) && isObject(object.spec.names) ? object.spec.names : {};
      object.status = {
        acceptedNames: names,
        storedVersions: isObject(object.spec) && Array.isArray(object.spec.versions) ? object.spec.versions.filter(isObject).map((v) => v.name ?? null).filter((v) => v !== null) : [],
        conditions: [
          { type: 'NamesAccepted', status: 'True', reason: 'NoConflicts', message: 'no conflicts found', lastTransitionTime: now() },
          { type: 'Established', status: 'True', reason: 'InitialNamesAccepted', message: 'the initial names have been accepted', lastTransitionTime: now() },
        ],
      };
    }
  }

  private save(target: Target, name: string, object: JsonObject, dryRun: boolean): JsonObject {
    if (dryRun) return object;
    const stored = this.store.put(resourceKey(target.def), target.def.namespaced ? target.namespace : '', name, object);
    if (target.def.kind === 'CustomResourceDefinition') this.registry.add(resourcesOfCrd(stored));
    return stored;
  }

  /** Common end of update, patch and apply: what a write may not change, generation, no-op detection. */
  private finishUpdate(target: Target, old: JsonObject, next: JsonObject, options: WriteOptions, trackFields: boolean): JsonObject {
    const { def } = target;
    const name = String(metadataOf(old).name);
    const oldMetadata = metadataOf(old);
    let result = this.checkIdentity(target, next);
    const metadata = metadataOf(result);
    if (metadata.name !== name) throw badRequest(`the name of the object (${String(metadata.name)}) does not match the name on the URL (${name})`);
    if (metadata.resourceVersion !== undefined && metadata.resourceVersion !== oldMetadata.resourceVersion) {
      throw conflict(def.plural, def.group, name, 'the object has been modified; please apply your changes to the latest version and try again');
    }
    if (options.subresource === 'status') {
      const status = result.status;
      const managedFields = metadataOf(result).managedFields;
      result = clone(old);
      if (status === undefined) delete result.status;
      else result.status = status;
      if (trackFields && managedFields !== undefined) metadataOf(result).managedFields = managedFields;
    } else if (def.status) {
      if (old.status === undefined) delete result.status;
      else result.status = clone(old.status);
    }
    const resultMetadata = metadataOf(result);
    for (const field of ['uid', 'creationTimestamp', 'deletionTimestamp', 'generation']) {
      if (oldMetadata[field] === undefined) delete resultMetadata[field];
      else resultMetadata[field] = oldMetadata[field]!;
    }
    if (!trackFields) {
      resultMetadata.managedFields = clone(oldMetadata.managedFields ?? []);
      recordUpdate(old, result, { manager: options.manager, subresource: options.subresource, time: now() });
    }
    if (tracksGeneration(def) && !deepEqual(specOf(old), specOf(result))) resultMetadata.generation = Number(oldMetadata.generation ?? 0) + 1;
    resultMetadata.resourceVersion = oldMetadata.resourceVersion ?? null;
    if (sameContent(old, result)) return old;
    return this.save(target, name, result, options.dryRun);
  }

  update(target: Target, name: string, body: JsonObject, options: WriteOptions): JsonObject {
    const old = this.get(target, name);
    return this.finishUpdate(target, old, body, options, false);
  }

  /** Merge or JSON patch: the patched object goes through the same checks as an update. */
  patch(target: Target, name: string, patchFn: (live: JsonObject) => JsonObject, options: WriteOptions): JsonObject {
    const old = this.get(target, name);
    return this.finishUpdate(target, old, patchFn(clone(old)), options, false);
  }

  /** Server-side apply; `created` tells a creation (201) from a change of an existing object. */
  apply(target: Target, name: string, body: JsonObject, options: WriteOptions & { force: boolean }): { object: JsonObject; created: boolean } {
    const { def } = target;
    const applied = this.checkIdentity(target, body);
    const appliedMetadata = metadataOf(applied);
    if (appliedMetadata.name !== name) throw badRequest(`the name of the object (${String(appliedMetadata.name)}) does not match the name on the URL (${name})`);
    const old = this.find(target, name);
    if (!old) {
      if (options.subresource === 'status') throw notFound(def.plural, def.group, name);
      if (appliedMetadata.resourceVersion !== undefined) throw conflict(def.plural, def.group, name, 'the object has been modified; please apply your changes to the latest version and try again');
      this.checkNamespace(target);
      const created = serverSideApply(undefined, applied, { manager: options.manager, force: options.force, subresource: '', time: now() });
      const metadata = metadataOf(created);
      metadata.uid = randomUUID();
      metadata.creationTimestamp = now();
      if (tracksGeneration(def)) metadata.generation = 1;
      if (def.status) delete created.status;
      this.defaults(def, created);
      return { object: this.save(target, name, created, options.dryRun), created: true };
    }
    if (appliedMetadata.resourceVersion !== undefined && appliedMetadata.resourceVersion !== metadataOf(old).resourceVersion) {
      throw conflict(def.plural, def.group, name, 'the object has been modified; please apply your changes to the latest version and try again');
    }
    const merged = serverSideApply(old, applied, { manager: options.manager, force: options.force, subresource: options.subresource, time: now() });
    delete metadataOf(merged).resourceVersion;
    return { object: this.finishUpdate(target, old, merged, options, true), created: false };
  }

  /** Deletes an object; a namespace takes its objects along, a CRD its resource and objects. */
  delete(target: Target, name: string, options: { dryRun: boolean; preconditions?: { uid?: string; resourceVersion?: string } }): JsonObject {
    const { def } = target;
    const old = this.get(target, name);
    const metadata = metadataOf(old);
    const { uid, resourceVersion } = options.preconditions ?? {};
    if ((uid && uid !== metadata.uid) || (resourceVersion && resourceVersion !== metadata.resourceVersion)) {
      throw conflict(def.plural, def.group, name, 'Precondition failed: the UID or resourceVersion in the precondition does not match');
    }
    if (options.dryRun) return old;
    if (def.kind === 'Namespace' && !def.group) {
      for (const r of this.registry.all().filter((res) => res.namespaced)) {
        for (const object of this.store.list(resourceKey(r), name)) this.store.delete(resourceKey(r), name, String(metadataOf(object).name));
      }
    }
    if (def.kind === 'CustomResourceDefinition') {
      for (const r of resourcesOfCrd(old)) {
        for (const object of this.store.list(resourceKey(r))) this.store.delete(resourceKey(r), String(metadataOf(object).namespace ?? ''), String(metadataOf(object).name));
        this.registry.remove(r.group, r.plural);
      }
    }
    const gone = this.store.delete(resourceKey(def), def.namespaced ? target.namespace : '', name)!;
    this.collectDependents(String(metadata.uid ?? ''));
    return gone;
  }

  /**
   * The garbage collector, done at once: objects whose `ownerReferences` name
   * a deleted owner's uid go too (and theirs in turn). The real one works in
   * the background, so callers of a real cluster wait for it.
   */
  private collectDependents(uid: string): void {
    if (uid === '') return;
    for (const r of this.registry.all()) {
      for (const object of this.store.list(resourceKey(r))) {
        const metadata = metadataOf(object);
        const owners = Array.isArray(metadata.ownerReferences) ? metadata.ownerReferences : [];
        if (!owners.some((owner) => isObject(owner) && owner.uid === uid)) continue;
        this.store.delete(resourceKey(r), String(metadata.namespace ?? ''), String(metadata.name));
        this.collectDependents(String(metadata.uid ?? ''));
      }
    }
  }

  /** Test helper path: replaces status as a controller would, through the status subresource. */
  setStatus(target: Target, name: string, status: JsonObject, manager: string): JsonObject {
    const old = this.get(target, name);
    return this.finishUpdate(target, old, { ...old, status }, { manager, dryRun: false, subresource: 'status' }, false);
  }
}
