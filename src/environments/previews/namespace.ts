/** The built-in provisioning: a namespace labelled as Trunkline's preview, and its guarded deletion. */
import { ForbiddenError } from '../../core/index.ts';
import type { KubeClient } from '../../kube/index.ts';
import { ownsNamespace, previewLabels } from './guards.ts';

const FIELD_MANAGER = 'trunkline';

export interface NamespaceOwner {
  preview: string;
  repo: string;
  branch: string;
}

/** Creates the namespace (idempotent for one Trunkline already made for this preview); a foreign namespace of that name is refused. */
export async function ensurePreviewNamespace(client: KubeClient, name: string, owner: NamespaceOwner): Promise<void> {
  const existing = await client.get({ apiVersion: 'v1', kind: 'Namespace', name });
  if (existing && !ownsNamespace(existing, owner.preview)) {
    throw new ForbiddenError(`namespace "${name}" already exists and is not Trunkline's preview "${owner.preview}": left alone`, { namespace: name });
  }
  await client.apply(
    {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name,
        labels: previewLabels(owner.preview),
        annotations: { 'trunkline.dev/repo': owner.repo, 'trunkline.dev/branch': owner.branch },
      },
    },
    { fieldManager: FIELD_MANAGER },
  );
}

/** Deletes the namespace only when it carries this preview's labels; says whether it did. */
export async function deletePreviewNamespace(client: KubeClient, name: string, preview: string): Promise<'deleted' | 'absent' | 'not-ours'> {
  const existing = await client.get({ apiVersion: 'v1', kind: 'Namespace', name });
  if (!existing) return 'absent';
  if (!ownsNamespace(existing, preview)) return 'not-ours';
  await client.delete({ apiVersion: 'v1', kind: 'Namespace', name });
  return 'deleted';
}
