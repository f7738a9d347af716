/**
 * Image tags made by builds are `{build}-{branch}-{sha8}`: the build number
 * and the source commit's first eight hex digits are read back from them.
 */
export interface BuildTag {
  build: number;
  branch: string;
  sha8: string;
}

export function parseBuildTag(tag: string): BuildTag | undefined {
  const match = /^(\d+)-(.+)-([0-9a-f]{8})$/.exec(tag);
  if (!match) return undefined;
  return { build: Number(match[1]), branch: match[2]!, sha8: match[3]! };
}

/** `registry.example.com:5000/acme/api` → `acme/api` (the built-in registry names images after their repository). */
export function repoOfImage(repository: string): string | undefined {
  const parts = repository.split('/');
  if (parts.length < 3) return undefined;
  return parts.slice(-2).join('/');
}
