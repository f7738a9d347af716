/**
 * API discovery: which kinds the cluster serves, under which resource plural,
 * namespaced or not, with which verbs. Reads `/api`, `/apis` and each group
 * version's resource list (the same documents kubectl reads), in parallel.
 */
import { z } from 'zod';
import { ExternalError, NotFoundError, messageOf } from '../core/index.ts';
import type { Logger } from '../core/index.ts';
import type { Transport } from './transport.ts';
import type { TypeRef } from './types.ts';

export interface ResourceInfo {
  group: string;
  version: string;
  /** `group/version`, or `version` for the core group. */
  apiVersion: string;
  kind: string;
  /** The plural used in paths, e.g. `deployments`. */
  resource: string;
  namespaced: boolean;
  verbs: string[];
  shortNames: string[];
}

export interface ResourceCatalog {
  readonly resources: readonly ResourceInfo[];
  /** Group versions whose discovery failed (e.g. an aggregated API that is down). */
  readonly failedGroupVersions: readonly string[];
  /** The resource serving a kind; NotFoundError naming the kind when the cluster does not serve it. */
  resolve(type: TypeRef): ResourceInfo;
}

const versionsSchema = z.object({ versions: z.array(z.string()) });
const groupsSchema = z.object({
  groups: z.array(z.object({ name: z.string(), versions: z.array(z.object({ groupVersion: z.string(), version: z.string() })) })),
});
const resourceListSchema = z.object({
  groupVersion: z.string(),
  resources: z.array(
    z.object({
      name: z.string(),
      kind: z.string(),
      namespaced: z.boolean(),
      verbs: z.array(z.string()).default([]),
      shortNames: z.array(z.string()).optional(),
    }),
  ),
});

function parse<S extends z.ZodType>(schema: S, body: unknown, path: string): z.output<S> {
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ExternalError(`Kubernetes API GET ${path}: unexpected discovery document (${issue?.path.join('.') ?? ''}: ${issue?.message ?? ''})`, { status: 200, method: 'GET', path });
  }
  return parsed.data;
}

function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.lastIndexOf('/');
  return slash < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

export function createCatalog(resources: ResourceInfo[], failedGroupVersions: string[]): ResourceCatalog {
  const byType = new Map(resources.map((r) => [`${r.apiVersion}/${r.kind}`, r]));
  return {
    resources,
    failedGroupVersions,
    resolve(type) {
      const found = byType.get(`${type.apiVersion}/${type.kind}`);
      if (found) return found;
      if (failedGroupVersions.includes(type.apiVersion)) {
        throw new ExternalError(`Kubernetes API discovery of ${type.apiVersion} failed, so kind ${type.kind} cannot be resolved`, { apiVersion: type.apiVersion, kind: type.kind });
      }
      const served = resources.some((r) => r.kind === type.kind);
      const hint = served ? `it is served under other versions: ${resources.filter((r) => r.kind === type.kind).map((r) => r.apiVersion).join(', ')}` : 'is its CustomResourceDefinition installed?';
      throw new NotFoundError(`the cluster does not serve kind ${type.kind} in ${type.apiVersion} (${hint})`, { apiVersion: type.apiVersion, kind: type.kind });
    },
  };
}

async function groupVersionResources(transport: Transport, apiVersion: string): Promise<ResourceInfo[]> {
  const path = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
  const list = parse(resourceListSchema, await transport.json({ method: 'GET', path }), path);
  const { group, version } = splitApiVersion(apiVersion);
  return list.resources
    .filter((r) => !r.name.includes('/')) // subresources (status, scale…) are not kinds of their own
    .map((r) => ({ group, version, apiVersion, kind: r.kind, resource: r.name, namespaced: r.namespaced, verbs: r.verbs, shortNames: r.shortNames ?? [] }));
}

export async function discoverResources(transport: Transport, logger: Logger): Promise<ResourceCatalog> {
  const [core, groups] = await Promise.all([
    transport.json({ method: 'GET', path: '/api' }).then((body) => parse(versionsSchema, body, '/api')),
    transport.json({ method: 'GET', path: '/apis' }).then((body) => parse(groupsSchema, body, '/apis')),
  ]);
  const apiVersions = [...core.versions, ...groups.groups.flatMap((g) => g.versions.map((v) => v.groupVersion))];
  const results = await Promise.allSettled(apiVersions.map((apiVersion) => groupVersionResources(transport, apiVersion)));
  const resources: ResourceInfo[] = [];
  const failed: string[] = [];
  results.forEach((result, index) => {
    const apiVersion = apiVersions[index] ?? '';
    if (result.status === 'fulfilled') resources.push(...result.value);
    else {
      failed.push(apiVersion);
      logger.warn({ apiVersion, err: messageOf(result.reason) }, 'kube discovery of a group version failed');
    }
  });
  return createCatalog(resources, failed);
}
