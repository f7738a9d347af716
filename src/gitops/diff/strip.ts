/**
 * Removes what the server owns: status, bookkeeping metadata, and the
 * annotations kubectl and the deployment controller add.
 */
const serverMetadata = ['managedFields', 'resourceVersion', 'uid', 'generation', 'creationTimestamp', 'selfLink', 'deletionTimestamp', 'deletionGracePeriodSeconds'];
const serverAnnotations = ['kubectl.kubernetes.io/last-applied-configuration', 'deployment.kubernetes.io/revision'];

type Json = Record<string, unknown>;

export function stripServerFields(object: Json): Json {
  const { status: _status, ...rest } = object;
  const metadata = { ...(rest.metadata as Json | undefined) };
  for (const field of serverMetadata) delete metadata[field];
  if (metadata.annotations && typeof metadata.annotations === 'object') {
    const annotations = { ...(metadata.annotations as Record<string, string>) };
    for (const a of serverAnnotations) delete annotations[a];
    if (Object.keys(annotations).length > 0) metadata.annotations = annotations;
    else delete metadata.annotations;
  }
  const stripped: Json = { ...rest, metadata };
  if (object.kind === 'Secret' && (object.apiVersion === 'v1') && stripped.stringData && typeof stripped.stringData === 'object') {
    // The API server folds stringData into base64 data and never returns it.
    const data = { ...(stripped.data as Record<string, string> | undefined) };
    for (const [k, v] of Object.entries(stripped.stringData as Record<string, string>)) data[k] = Buffer.from(String(v), 'utf8').toString('base64');
    delete stripped.stringData;
    stripped.data = data;
  }
  return stripped;
}
