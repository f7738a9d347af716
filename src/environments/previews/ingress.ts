/**
 * The preview's own ingress host in the files cloned from staging:
 * - unified chart `values.yaml`: `ingress.host` (only when the values have an `ingress` section);
 * - plain manifests: every `Ingress` object's `spec.rules[].host` and `spec.tls[].hosts[]`.
 * Comments and layout are kept; other files are copied unchanged.
 */
import { isMap, isSeq, parseAllDocuments, parseDocument } from 'yaml';

/** `values.yaml` with `ingress.host` set; unchanged when there is no `ingress` map. */
export function patchValuesHost(text: string, host: string): string {
  const doc = parseDocument(text);
  if (doc.errors.length > 0 || !isMap(doc.contents) || !isMap(doc.get('ingress'))) return text;
  doc.setIn(['ingress', 'host'], host);
  return doc.toString();
}

/** A manifest file with each Ingress's hosts replaced; unchanged when it holds no Ingress. */
export function patchManifestHosts(text: string, host: string): string {
  const docs = parseAllDocuments(text);
  if (!Array.isArray(docs) || docs.some((d) => d.errors.length > 0)) return text;
  let changed = false;
  for (const doc of docs) {
    if (!isMap(doc.contents) || doc.get('kind') !== 'Ingress') continue;
    const rules = doc.getIn(['spec', 'rules']);
    if (isSeq(rules)) {
      rules.items.forEach((_, i) => doc.setIn(['spec', 'rules', i, 'host'], host));
      changed = true;
    }
    const tls = doc.getIn(['spec', 'tls']);
    if (isSeq(tls)) {
      tls.items.forEach((_, i) => doc.setIn(['spec', 'tls', i, 'hosts'], doc.createNode([host])));
      changed = true;
    }
  }
  return changed ? docs.map((d) => d.toString()).join('') : text;
}
