/** The API resources the fake serves, as discovery describes them. */
export type ResourceDef = {
  group: string;
  version: string;
  kind: string;
  plural: string;
  singular: string;
  namespaced: boolean;
  shortNames: string[];
  /** Has a `status` subresource: status is written only through it, and `metadata.generation` tracks spec. */
  status: boolean;
  /** Defined by a CustomResourceDefinition. */
  custom: boolean;
};

export const allVerbs = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

function def(groupVersion: string, kind: string, plural: string, namespaced: boolean, status: boolean, shortNames: string[] = []): ResourceDef {
  const [group, version] = groupVersion.includes('/') ? groupVersion.split('/') as [string, string] : ['', groupVersion];
  return { group, version, kind, plural, singular: kind.toLowerCase(), namespaced, shortNames, status, custom: false };
}

export function builtinResources(): ResourceDef[] {
  return [
    def('v1', 'Namespace', 'namespaces', false, true, ['ns']),
    def('v1', 'ConfigMap', 'configmaps', true, false, ['cm']),
    def('v1', 'Secret', 'secrets', true, false),
    def('v1', 'Service', 'services', true, true, ['svc']),
    def('v1', 'ServiceAccount', 'serviceaccounts', true, false, ['sa']),
    def('v1', 'Pod', 'pods', true, true, ['po']),
    def('v1', 'PersistentVolumeClaim', 'persistentvolumeclaims', true, true, ['pvc']),
    def('apps/v1', 'Deployment', 'deployments', true, true, ['deploy']),
    def('apps/v1', 'StatefulSet', 'statefulsets', true, true, ['sts']),
    def('apps/v1', 'DaemonSet', 'daemonsets', true, true, ['ds']),
    def('batch/v1', 'Job', 'jobs', true, true),
    def('networking.k8s.io/v1', 'Ingress', 'ingresses', true, true, ['ing']),
    def('autoscaling/v2', 'HorizontalPodAutoscaler', 'horizontalpodautoscalers', true, true, ['hpa']),
    def('rbac.authorization.k8s.io/v1', 'Role', 'roles', true, false),
    def('rbac.authorization.k8s.io/v1', 'RoleBinding', 'rolebindings', true, false),
    def('rbac.authorization.k8s.io/v1', 'ClusterRole', 'clusterroles', false, false),
    def('rbac.authorization.k8s.io/v1', 'ClusterRoleBinding', 'clusterrolebindings', false, false),
    def('apiextensions.k8s.io/v1', 'CustomResourceDefinition', 'customresourcedefinitions', false, true, ['crd', 'crds']),
  ];
}

export function groupVersionOf(resource: ResourceDef): string {
  return resource.group ? `${resource.group}/${resource.version}` : resource.version;
}

/** The resources a CustomResourceDefinition object defines, one per served version. */
export function resourcesOfCrd(crd: Record<string, unknown>): ResourceDef[] {
  const spec = (crd.spec ?? {}) as {
    group?: string;
    scope?: string;
    names?: { kind?: string; plural?: string; singular?: string; shortNames?: string[] };
    versions?: { name?: string; served?: boolean; subresources?: { status?: unknown } }[];
  };
  const names = spec.names ?? {};
  if (!spec.group || !names.kind || !names.plural) return [];
  return (spec.versions ?? [])
    .filter((version) => version.name && version.served !== false)
    .map((version) => ({
      group: spec.group!,
      version: version.name!,
      kind: names.kind!,
      plural: names.plural!,
      singular: names.singular ?? names.kind!.toLowerCase(),
      namespaced: spec.scope !== 'Cluster',
      shortNames: names.shortNames ?? [],
      status: version.subresources?.status !== undefined,
      custom: true,
    }));
}
