/**
 * Image tags `{build}-{branch}-{sha8}`. OCI tags match
 * `[A-Za-z0-9_][A-Za-z0-9._-]{0,127}`: every other character of the branch
 * becomes `-`, and the branch part is shortened so the tag fits 128 characters.
 */
const maxTagLength = 128;

export function imageTag(build: number, branch: string, sha: string): string {
  const sha8 = tagSafe(sha.slice(0, 8));
  const prefix = `${Math.trunc(build)}-`;
  const room = Math.max(0, maxTagLength - prefix.length - 1 - sha8.length);
  return `${prefix}${tagSafe(branch).slice(0, room)}-${sha8}`;
}

export function tagSafe(s: string): string {
  return s.replace(/[^A-Za-z0-9_.-]/g, '-');
}
