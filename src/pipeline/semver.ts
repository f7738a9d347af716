/**
 * `DRONE_SEMVER*` for tags, as runner-go computes them (coreos/go-semver):
 * a leading `v` is dropped; MAJOR.MINOR.PATCH with optional -PRERELEASE and
 * +BUILD; otherwise only `DRONE_SEMVER_ERROR` is set.
 */
const pattern = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?$/;

export function semverVariables(tag: string): Record<string, string> {
  const version = tag.startsWith('v') ? tag.slice(1) : tag;
  const m = pattern.exec(version);
  if (!m) return { DRONE_SEMVER_ERROR: `${version} is not in dotted-tri format` };
  const [, major = '', minor = '', patch = '', pre, build] = m;
  const short = `${major}.${minor}.${patch}`;
  const env: Record<string, string> = {
    DRONE_SEMVER: `${short}${pre ? `-${pre}` : ''}${build ? `+${build}` : ''}`,
    DRONE_SEMVER_MAJOR: major,
    DRONE_SEMVER_MINOR: minor,
    DRONE_SEMVER_PATCH: patch,
    DRONE_SEMVER_SHORT: short,
  };
  if (pre) env.DRONE_SEMVER_PRERELEASE = pre;
  if (build) env.DRONE_SEMVER_BUILD = build;
  return env;
}
