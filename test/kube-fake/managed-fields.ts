import { fieldsOf, fromFieldsV1, pathString, removeAt, toFieldsV1, valueAt, type FieldPath } from './fieldpath.ts';
import { clone, deepEqual, isObject, metadataOf, type JsonObject } from './json.ts';
import { merge } from './merge.ts';
import { ApiError } from './status.ts';

/** `metadata.managedFields[]` of an object. */
type Owner = {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time: string;
  subresource: string;
  fields: Map<string, FieldPath>;
};

export type Subresource = '' | 'status';

const ownedMetadata = ['labels', 'annotations', 'finalizers', 'ownerReferences'];

/** The part of an object that field management tracks for the main resource or its status. */
export function managedView(object: JsonObject | undefined, subresource: Subresource): JsonObject {
  if (!object) return {};
  if (subresource === 'status') return isObject(object.status) ? { status: clone(object.status) } : {};
  const view = clone(object);
  delete view.apiVersion;
  delete view.kind;
  delete view.status;
  const metadata: JsonObject = {};
  for (const name of ownedMetadata) if (isObject(view.metadata) && view.metadata[name] !== undefined) metadata[name] = view.metadata[name]!;
  if (Object.keys(metadata).length > 0) view.metadata = metadata;
  else delete view.metadata;
  return view;
}

function readOwners(object: JsonObject | undefined): Owner[] {
  const entries = object && isObject(object.metadata) && Array.isArray(object.metadata.managedFields) ? object.metadata.managedFields : [];
  return entries.filter(isObject).map((entry) => ({
    manager: String(entry.manager ?? ''),
    operation: entry.operation === 'Apply' ? 'Apply' : 'Update',
    apiVersion: String(entry.apiVersion ?? ''),
    time: String(entry.time ?? ''),
    subresource: String(entry.subresource ?? ''),
    fields: fromFieldsV1(entry.fieldsV1),
  }));
}

function writeOwners(object: JsonObject, owners: Owner[]): void {
  const entries = owners
    .filter((owner) => owner.fields.size > 0)
    .map((owner) => ({
      manager: owner.manager,
      operation: owner.operation,
      apiVersion: owner.apiVersion,
      time: owner.time,
      fieldsType: 'FieldsV1',
      fieldsV1: toFieldsV1(owner.fields.values()),
      ...(owner.subresource ? { subresource: owner.subresource } : {}),
    }));
  const metadata = metadataOf(object);
  if (entries.length > 0) metadata.managedFields = entries;
  else delete metadata.managedFields;
}

function ownerLabel(owner: Owner): string {
  return owner.operation === 'Apply' ? `"${owner.manager}"` : `"${owner.manager}" using ${owner.apiVersion}`;
}

function conflictError(conflicts: { owner: Owner; path: FieldPath }[]): ApiError {
  const causes = conflicts.map(({ owner, path }) => ({ reason: 'FieldManagerConflict', message: `conflict with ${ownerLabel(owner)}`, field: pathString(path) }));
  let message: string;
  if (conflicts.length === 1) message = `Apply failed with 1 conflict: ${causes[0]!.message}: ${causes[0]!.field}`;
  else {
    const byOwner = new Map<string, string[]>();
    for (const cause of causes) byOwner.set(cause.message, [...(byOwner.get(cause.message) ?? []), cause.field]);
    message = `Apply failed with ${conflicts.length} conflicts: ${[...byOwner].map(([owner, fields]) => `${owner.replace('conflict', 'conflicts')}:\n${fields.map((f) => `- ${f}`).join('\n')}`).join('\n')}`;
  }
  return new ApiError(409, 'Conflict', message, { causes });
}

/**
 * Server-side apply of `applied` by `manager` over `live` (absent when creating): conflicts with
 * other managers' differing fields (unless forced), merge, removal of fields the manager no longer
 * applies and nobody else owns, and the manager's new `managedFields` entry.
 */
export function serverSideApply(live: JsonObject | undefined, applied: JsonObject, options: { manager: string; force: boolean; subresource: Subresource; time: string }): JsonObject {
  const { manager, force, subresource, time } = options;
  const owners = readOwners(live);
  const liveView = managedView(live, subresource);
  const appliedView = managedView(applied, subresource);
  const appliedFields = fieldsOf(appliedView);
  const sameScope = (owner: Owner) => owner.subresource === subresource;
  let mine = owners.find((owner) => owner.manager === manager && owner.operation === 'Apply' && sameScope(owner));
  const others = owners.filter((owner) => owner !== mine && sameScope(owner));

  const conflicts: { owner: Owner; path: FieldPath; key: string }[] = [];
  for (const [key, path] of appliedFields) {
    if (path.at(-1) === '.' || deepEqual(valueAt(liveView, path), valueAt(appliedView, path))) continue;
    for (const owner of others) if (owner.fields.has(key)) conflicts.push({ owner, path, key });
  }
  if (conflicts.length > 0 && !force) throw conflictError(conflicts);
  for (const { owner, key } of conflicts) owner.fields.delete(key);

  const result = clone(live ?? {});
  if (subresource === 'status') result.status = merge(result.status, applied.status);
  else {
    const { status: _status, ...rest } = clone(applied);
    const metadata = isObject(rest.metadata) ? rest.metadata : {};
    for (const name of ['managedFields', 'resourceVersion', 'uid', 'creationTimestamp', 'generation', 'deletionTimestamp']) delete metadata[name];
    Object.assign(result, merge(result, { ...rest, metadata }));
  }

  const previous = mine?.fields ?? new Map<string, FieldPath>();
  const ownedElsewhere = (key: string) => appliedFields.has(key) || others.some((owner) => owner.fields.has(key));
  const dropped = [...previous].filter(([key]) => !ownedElsewhere(key)).sort((a, b) => b[1].length - a[1].length);
  for (const [, path] of dropped) {
    if (path.at(-1) === '.') {
      const prefix = JSON.stringify(path.slice(0, -1)).slice(0, -1);
      const stillUsed = [appliedFields, ...others.map((owner) => owner.fields)].some((fields) => [...fields.keys()].some((key) => key.startsWith(prefix) && key !== JSON.stringify(path)));
      if (stillUsed) continue;
    }
    removeAt(result, path);
  }

  if (!mine) {
    mine = { manager, operation: 'Apply', apiVersion: String(applied.apiVersion ?? ''), time, subresource, fields: appliedFields };
    owners.push(mine);
  }
  mine.fields = appliedFields;
  mine.time = time;
  mine.apiVersion = String(applied.apiVersion ?? mine.apiVersion);
  writeOwners(result, owners);
  return result;
}

/**
 * Field ownership after a non-apply write (create, update, patch) by `manager`: the fields it
 * changed become its own (taken from others, no conflicts), fields it removed are owned by nobody.
 */
export function recordUpdate(old: JsonObject | undefined, next: JsonObject, options: { manager: string; subresource: Subresource; time: string }): void {
  const { manager, subresource, time } = options;
  const owners = readOwners(old);
  const oldView = managedView(old, subresource);
  const newView = managedView(next, subresource);
  const oldFields = fieldsOf(oldView);
  const newFields = fieldsOf(newView);
  const changed = [...newFields].filter(([, path]) => !deepEqual(valueAt(oldView, path), valueAt(newView, path)) || (path.at(-1) === '.' && valueAt(oldView, path) === undefined));
  const removed = [...oldFields.keys()].filter((key) => !newFields.has(key));
  for (const owner of owners.filter((o) => o.subresource === subresource)) {
    for (const [key] of changed) owner.fields.delete(key);
    for (const key of removed) owner.fields.delete(key);
  }
  if (changed.length > 0) {
    let mine = owners.find((owner) => owner.manager === manager && owner.operation === 'Update' && owner.subresource === subresource);
    if (!mine) {
      mine = { manager, operation: 'Update', apiVersion: String(next.apiVersion ?? ''), time, subresource, fields: new Map() };
      owners.push(mine);
    }
    for (const [key, path] of changed) mine.fields.set(key, path);
    mine.time = time;
  }
  writeOwners(next, owners);
}
