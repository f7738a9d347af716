import type { JsonObject } from './json.ts';
import { allVerbs, groupVersionOf, type ResourceDef } from './resources.ts';

export function apiVersions(address: string): JsonObject {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: address }] };
}

export function apiGroupList(resources: ResourceDef[]): JsonObject {
  const groups = new Map<string, string[]>();
  for (const r of resources) if (r.group) groups.set(r.group, [...new Set([...(groups.get(r.group) ?? []), r.version])]);
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: [...groups].map(([name, versions]) => {
      const entries = versions.map((version) => ({ groupVersion: `${name}/${version}`, version }));
      return { name, versions: entries, preferredVersion: entries[0]! };
    }),
  };
}

export function apiResourceList(groupVersion: string, resources: ResourceDef[]): JsonObject {
  const served = resources.filter((r) => groupVersionOf(r) === groupVersion);
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion,
    resources: served.flatMap((r) => [
      {
        name: r.plural,
        singularName: r.singular,
        namespaced: r.namespaced,
        kind: r.kind,
        verbs: allVerbs,
        ...(r.shortNames.length > 0 ? { shortNames: r.shortNames } : {}),
        storageVersionHash: Buffer.from(`${groupVersion}/${r.plural}`).toString('base64').slice(0, 11),
      },
      ...(r.status ? [{ name: `${r.plural}/status`, singularName: '', namespaced: r.namespaced, kind: r.kind, verbs: ['get', 'patch', 'update'] }] : []),
    ]),
  };
}

export function versionInfo(): JsonObject {
  return {
    major: '1',
    minor: '33',
    gitVersion: 'v1.33.0',
    gitCommit: '0000000000000000000000000000000000000000',
    gitTreeState: 'clean',
    buildDate: '2025-01-01T00:00:00Z',
    goVersion: 'go1.24.0',
    compiler: 'gc',
    platform: 'linux/amd64',
  };
}

function openApiPath(groupVersion: string): string {
  return groupVersion.includes('/') ? `apis/${groupVersion}` : `api/${groupVersion}`;
}

/** The OpenAPI v3 index: kubectl reads it to learn that PATCH accepts `fieldValidation` (server-side validation). */
export function openApiV3Root(groupVersions: string[]): JsonObject {
  return { paths: Object.fromEntries(groupVersions.map((gv) => [openApiPath(gv), { serverRelativeURL: `/openapi/v3/${openApiPath(gv)}` }])) };
}

/** A minimal OpenAPI v3 document of one group/version: one PATCH operation per kind. */
export function openApiV3Document(groupVersion: string, resources: ResourceDef[]): JsonObject {
  const paths: JsonObject = {};
  const schemas: JsonObject = {};
  for (const r of resources.filter((res) => groupVersionOf(res) === groupVersion)) {
    const gvk = [{ group: r.group, version: r.version, kind: r.kind }];
    const base = `/${openApiPath(groupVersion)}${r.namespaced ? '/namespaces/{namespace}' : ''}/${r.plural}/{name}`;
    paths[base] = {
      patch: {
        'x-kubernetes-group-version-kind': gvk[0]!,
        parameters: [
          { name: 'fieldValidation', in: 'query', schema: { type: 'string' } },
          { name: 'fieldManager', in: 'query', schema: { type: 'string' } },
          { name: 'force', in: 'query', schema: { type: 'boolean' } },
          { name: 'dryRun', in: 'query', schema: { type: 'string' } },
        ],
      },
    };
    schemas[`${r.group || 'core'}.${r.version}.${r.kind}`] = { type: 'object', 'x-kubernetes-group-version-kind': gvk };
  }
  return { openapi: '3.0.0', info: { title: 'Kubernetes', version: 'v1.33.0' }, paths, components: { schemas } };
}
