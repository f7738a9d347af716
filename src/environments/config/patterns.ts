/**
 * Names made from patterns such as `preview-{branch}` or
 * `{service}.{branch}.preview.example.com`. Branch names may hold anything git
 * allows, so they are reduced to a DNS label first; a long one keeps a short
 * hash of the original so two branches never share an environment.
 */
import { createHash } from 'node:crypto';

export interface PatternValues {
  service?: string;
  branch?: string;
  env?: string;
}

const maxLabel = 63;

/** `Feature/Login_Page` → `feature-login-page`; never empty, at most `max` characters. */
export function branchSlug(branch: string, max = 40): string {
  const slug = branch
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  if (slug.length > 0 && slug === branch && slug.length <= max) return slug;
  const hash = createHash('sha256').update(branch).digest('hex').slice(0, 6);
  if (slug.length === 0) return `b-${hash}`;
  return `${slug.slice(0, max - 7).replace(/-+$/, '')}-${hash}`;
}

/** Replaces the placeholders; `{branch}` becomes its slug. Throws when a used placeholder has no value. */
export function expandPattern(pattern: string, values: PatternValues): string {
  return pattern.replace(/\{(service|branch|env)\}/g, (_, key: keyof PatternValues) => {
    const value = values[key];
    if (value === undefined) throw new Error(`pattern "${pattern}" needs a value for {${key}}`);
    return key === 'branch' ? branchSlug(value) : value;
  });
}

/** A namespace from a pattern, checked to be a DNS label (Kubernetes' rule for namespaces). */
export function namespaceFor(pattern: string, values: PatternValues): string {
  const name = expandPattern(pattern, values);
  if (name.length > maxLabel || !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name)) {
    throw new Error(`namespace "${name}" from pattern "${pattern}" is not a DNS label (lower-case letters, digits and "-", at most 63)`);
  }
  return name;
}
