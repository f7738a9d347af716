/**
 * Image references as Drone expands them: `busybox` is
 * `docker.io/library/busybox:latest`, `org/app` is `docker.io/org/app:latest`,
 * and a reference whose first path part looks like a host (has a `.` or a
 * `:`, or is `localhost`) keeps it. Expanding here keeps podman's
 * short-name resolution (registries.conf search lists, prompts) out of it.
 */
export function expandImage(reference: string): string {
  const ref = reference.trim();
  const at = ref.indexOf('@');
  const name = at === -1 ? ref : ref.slice(0, at);
  const digest = at === -1 ? '' : ref.slice(at);
  const slash = name.indexOf('/');
  const first = slash === -1 ? '' : name.slice(0, slash);
  const hasHost = first !== '' && (first.includes('.') || first.includes(':') || first === 'localhost');
  let full = hasHost ? name : `docker.io/${slash === -1 ? `library/${name}` : name}`;
  if (digest === '' && tagOf(full) === undefined) full += ':latest';
  return full + digest;
}

/** Whether Drone's `pull: default` pulls it every time: no digest and the `latest` tag. */
export function isLatest(expanded: string): boolean {
  return !expanded.includes('@') && tagOf(expanded) === 'latest';
}

function tagOf(name: string): string | undefined {
  const colon = name.lastIndexOf(':');
  return colon > name.lastIndexOf('/') ? name.slice(colon + 1) : undefined;
}
