/**
 * Kinds that live outside namespaces. Without a cluster to ask (render is
 * offline), the built-in ones are listed here; CRDs rendered alongside add
 * theirs, and callers can override for anything else.
 */
import type { KubeObject } from '../../artifacts/index.ts';
import { groupOf } from './tracking.ts';

/** `group/Kind` (core group empty: `/Namespace`). */
const builtin = new Set([
  '/Namespace',
  '/Node',
  '/PersistentVolume',
  '/ComponentStatus',
  'rbac.authorization.k8s.io/ClusterRole',
  'rbac.authorization.k8s.io/ClusterRoleBinding',
  'apiextensions.k8s.io/CustomResourceDefinition',
  'apiregistration.k8s.io/APIService',
  'storage.k8s.io/StorageClass',
  'storage.k8s.io/CSIDriver',
  'storage.k8s.io/CSINode',
  'storage.k8s.io/VolumeAttachment',
  'scheduling.k8s.io/PriorityClass',
  'node.k8s.io/RuntimeClass',
  'networking.k8s.io/IngressClass',
  'admissionregistration.k8s.io/MutatingWebhookConfiguration',
  'admissionregistration.k8s.io/ValidatingWebhookConfiguration',
  'admissionregistration.k8s.io/ValidatingAdmissionPolicy',
  'admissionregistration.k8s.io/ValidatingAdmissionPolicyBinding',
  'admissionregistration.k8s.io/MutatingAdmissionPolicy',
  'admissionregistration.k8s.io/MutatingAdmissionPolicyBinding',
  'certificates.k8s.io/CertificateSigningRequest',
  'flowcontrol.apiserver.k8s.io/FlowSchema',
  'flowcontrol.apiserver.k8s.io/PriorityLevelConfiguration',
  'policy/PodSecurityPolicy',
]);

/** Answers for kinds the built-in list does not know (or gets wrong for a cluster); `undefined` defers to the list. */
export type ScopeOverride = (group: string, kind: string) => boolean | undefined;

export type ScopeOf = (object: KubeObject) => 'Cluster' | 'Namespaced';

/** The scope of each object, knowing the CRDs among `objects` and the override. */
export function scopeResolver(objects: readonly KubeObject[], override?: ScopeOverride): ScopeOf {
  const fromCrds = new Map<string, boolean>();
  for (const o of objects) {
    if (o.kind !== 'CustomResourceDefinition' || groupOf(o.apiVersion) !== 'apiextensions.k8s.io') continue;
    const spec = o.spec as { group?: unknown; scope?: unknown; names?: { kind?: unknown } } | undefined;
    if (typeof spec?.group === 'string' && typeof spec.names?.kind === 'string') {
      fromCrds.set(`${spec.group}/${spec.names.kind}`, spec.scope === 'Cluster');
    }
  }
  return (object) => {
    const group = groupOf(object.apiVersion);
    const key = `${group}/${object.kind}`;
    const cluster = override?.(group, object.kind) ?? fromCrds.get(key) ?? builtin.has(key);
    return cluster ? 'Cluster' : 'Namespaced';
  };
}
