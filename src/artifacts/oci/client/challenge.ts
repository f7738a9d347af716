/** A parsed `WWW-Authenticate` challenge (RFC 7235), as registries send it. */
export interface Challenge {
  /** Lowercased: `basic`, `bearer`. */
  scheme: string;
  params: Record<string, string>;
}

/**
 * Parses a `WWW-Authenticate` header with one challenge, e.g.
 * `Bearer realm="https://auth/token",service="registry",scope="repository:a:pull,push"`.
 * Quoted values may contain commas; parameter names are lowercased.
 */
export function parseChallenge(header: string | null): Challenge | undefined {
  if (!header) return undefined;
  const match = /^\s*([A-Za-z][A-Za-z0-9._-]*)(?:\s+(.*))?$/s.exec(header);
  if (!match) return undefined;
  const params: Record<string, string> = {};
  const param = /([A-Za-z0-9_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))/g;
  for (const found of (match[2] ?? '').matchAll(param)) {
    params[found[1]!.toLowerCase()] = found[2] !== undefined ? found[2].replace(/\\(.)/g, '$1') : (found[3] ?? '');
  }
  return { scheme: match[1]!.toLowerCase(), params };
}
