/**
 * The version file of one service in one environment
 * (`environments/<environment>/<service>/release.yaml`): the only file
 * write-back edits, so people own every other file of the folder.
 */
import { isMap, parseDocument, stringify } from 'yaml';
import { z } from 'zod';
import { parseYamlWith } from '../../core/index.ts';

/** OCI tag grammar (distribution-spec). */
const tagPattern = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;
/** `host[:port]/path` without a tag or digest: those belong in `tag`. */
const repositoryPattern = /^[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?(\/[a-z0-9]+([._-]+[a-z0-9]+)*)*$/;
/** SemVer 2 (Helm requires chart versions to be SemVer). */
const semverPattern = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?(\+[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$/;

export const releaseSchema = z.strictObject({
  chart: z
    .strictObject({
      repository: z.string().regex(/^oci:\/\/[^\s]+[^/\s]$/, 'an oci:// chart reference without a version, e.g. oci://registry.example.com/charts/api'),
      version: z.string().regex(semverPattern, 'a SemVer chart version, e.g. 0.1.42'),
    })
    .optional(),
  image: z.strictObject({
    repository: z.string().regex(repositoryPattern, 'an image repository without tag or digest, e.g. registry.example.com/acme/api'),
    tag: z.string().regex(tagPattern, 'an image tag (letters, digits, "_", "." and "-", at most 128)'),
  }),
});

export type Release = z.output<typeof releaseSchema>;

export const RELEASE_FILE = 'release.yaml';

/** Parses a version file; a malformed one is a `ConfigError` listing every `file:line:col: field: problem`. */
export function parseRelease(text: string, file: string): Release {
  return parseYamlWith(text, file, releaseSchema);
}

export function isImageTag(value: string): boolean {
  return tagPattern.test(value);
}

export function sameRelease(a: Release, b: Release): boolean {
  return (
    a.image.repository === b.image.repository &&
    a.image.tag === b.image.tag &&
    a.chart?.repository === b.chart?.repository &&
    a.chart?.version === b.chart?.version
  );
}

const header = '# Written by Trunkline on each release; edit the other files of this folder instead.\n';

/**
 * The file's text with `next` applied, keeping the comments and key order
 * of `previous` (people annotate these files); a new file otherwise.
 */
export function renderRelease(next: Release, previous?: string): string {
  if (previous !== undefined) {
    const doc = parseDocument(previous);
    if (isMap(doc.contents)) {
      doc.setIn(['image', 'repository'], next.image.repository);
      doc.setIn(['image', 'tag'], next.image.tag);
      if (next.chart) {
        doc.setIn(['chart', 'repository'], next.chart.repository);
        doc.setIn(['chart', 'version'], next.chart.version);
      } else {
        doc.deleteIn(['chart']);
      }
      return doc.toString();
    }
  }
  const fresh = next.chart
    ? { chart: { repository: next.chart.repository, version: next.chart.version }, image: { ...next.image } }
    : { image: { ...next.image } };
  return header + stringify(fresh);
}
